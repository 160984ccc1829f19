/**
 * Property test of the request readers, per endpoint family: for any body, a reader either
 * returns or refuses with the client's 400 (never another error), and when it returns, the
 * fields the hub acts on equal what JSON.parse reads. A repeated field the hub acts on is always
 * refused; a plain body (escaped keys included) is always accepted. Also: any Gemini or Code
 * Assist path, and any headers and query string, are matched or refused without a stray throw.
 *
 * FUZZ_RUNS=<n> runs n bodies per family instead of 10 000; FUZZ_SEED=<seed> replays a failure
 * (fast-check prints the seed and the counterexample).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bodies, FUZZ_SEED, fuzzRuns, hasDuplicate, PLAIN, reference, objectText, type GeneratedBody } from "../../../test-support/fuzz-requests.ts";
import { matchRoute, type GatewayRoute } from "../endpoints.ts";
import { GatewayError } from "../errors.ts";
import { checkRequestBounds, RequestRejected } from "../limits/input-bounds.ts";
import { readClaudeRequest } from "./claude/request.ts";
import { readCodeAssistRequest } from "./gemini-cli/request.ts";
import { readGeminiRequest } from "./gemini/request.ts";
import { readOpenAiChatRequest } from "./openai-chat/request.ts";
import { readOpenAiResponsesRequest } from "./openai-responses/request.ts";
import type { RequestInfo } from "./types.ts";

const RUNS = fuzzRuns(10_000);
const params = { numRuns: RUNS, seed: FUZZ_SEED, endOnFailure: true } as const;
/** Vitest's time limit per property, grown with FUZZ_RUNS (10 000 runs take a few seconds). */
const TIME_LIMIT_MS = Math.max(30_000, RUNS * 5);

type Parsed = Record<string, unknown>;
const isObject = (v: unknown): v is Parsed => !!v && typeof v === "object" && !Array.isArray(v);
const num = (v: unknown) => (typeof v === "number" ? v : undefined);
// An accepted output cap is a finite, non-negative number (input-bounds.ts refuses the others).
const finite = num;

/** What the hub should read, from JSON.parse's object. */
interface Expected {
  model: unknown;
  stream: boolean;
  maxTokens: number | undefined;
  hints: Parsed;
}

interface Family {
  name: string;
  plain: Record<string, fc.Arbitrary<string>>;
  read(body: Buffer): RequestInfo;
  expected(p: Parsed): Expected;
}

function hintsOf(p: Parsed, names: readonly string[]): Parsed {
  const hints: Parsed = {};
  for (const n of names) if (p[n] !== undefined) hints[n] = p[n];
  return hints;
}

const maskedObject = (members: Array<[string, fc.Arbitrary<string>]>) =>
  fc
    .tuple(fc.tuple(...members.map(([, v]) => v)), fc.array(fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 6 }), { minLength: members.length, maxLength: members.length }))
    .map(([values, masks]) => objectText(members.map(([name], i) => ({ name, value: values[i] })), masks, ""));
const generationConfig = maskedObject([["maxOutputTokens", PLAIN.tokens], ["temperature", fc.constant("0.5")]]);

const geminiRoute: GatewayRoute = { format: "gemini", kind: "generate", path: "/v1beta/models/gemini-2.5-flash:streamGenerateContent", model: "gemini-2.5-flash", stream: true };
const codeAssistRoute: GatewayRoute = { format: "gemini-cli", kind: "generate", path: "/v1internal:generateContent", stream: false };

const claudeFamily = (name: string): Family => ({
  name,
  plain: { model: PLAIN.model, stream: PLAIN.stream, max_tokens: PLAIN.tokens, metadata: PLAIN.metadata, messages: PLAIN.conversation },
  read: readClaudeRequest,
  expected: (p) => ({ model: p.model, stream: p.stream === true, maxTokens: num(p.max_tokens), hints: p.metadata && typeof p.metadata === "object" ? { metadata: p.metadata } : {} }),
});

const CHAT_HINTS = ["prompt_cache_key", "user", "safety_identifier", "metadata", "stream_options"];
const RESPONSES_HINTS = ["prompt_cache_key", "previous_response_id", "metadata", "store", "user", "safety_identifier"];

const FAMILIES: Family[] = [
  claudeFamily("Messages"),
  claudeFamily("count_tokens"),
  {
    name: "Chat",
    plain: { model: PLAIN.model, stream: PLAIN.stream, max_tokens: PLAIN.tokens, max_completion_tokens: PLAIN.tokens, messages: PLAIN.conversation, prompt_cache_key: PLAIN.id, user: PLAIN.id, stream_options: fc.constantFrom('{"include_usage":true}', "null", "{}") },
    read: readOpenAiChatRequest,
    expected: (p) => ({ model: p.model, stream: p.stream === true, maxTokens: num(p.max_completion_tokens) ?? num(p.max_tokens), hints: hintsOf(p, CHAT_HINTS) }),
  },
  {
    name: "Responses",
    plain: { model: PLAIN.model, stream: PLAIN.stream, max_output_tokens: PLAIN.tokens, input: PLAIN.conversation, prompt_cache_key: PLAIN.id, previous_response_id: PLAIN.id, store: PLAIN.stream },
    read: readOpenAiResponsesRequest,
    expected: (p) => ({ model: p.model, stream: p.stream === true, maxTokens: num(p.max_output_tokens), hints: hintsOf(p, RESPONSES_HINTS) }),
  },
  {
    name: "Gemini",
    plain: { generationConfig, contents: PLAIN.conversation },
    read: (body) => readGeminiRequest(body, geminiRoute),
    expected: (p) => ({ model: geminiRoute.model, stream: true, maxTokens: isObject(p.generationConfig) ? finite(p.generationConfig.maxOutputTokens) : undefined, hints: {} }),
  },
  {
    name: "Code Assist",
    plain: {
      model: PLAIN.model,
      request: maskedObject([["contents", PLAIN.conversation], ["session_id", PLAIN.id], ["generationConfig", generationConfig], ["model", fc.constantFrom('"models/gemini-2.5-pro"', '"gemini-2.5-pro"')]]),
    },
    read: (body) => readCodeAssistRequest(body, codeAssistRoute),
    expected: (p) => {
      const request = isObject(p.request) ? p.request : undefined;
      let model = p.model;
      if (model === undefined && request && request.model !== undefined) {
        model = typeof request.model === "string" && request.model.startsWith("models/") ? request.model.slice(7) : request.model;
      }
      const sessionId = request?.session_id;
      return {
        model: model || undefined,
        stream: false,
        maxTokens: request && isObject(request.generationConfig) ? finite(request.generationConfig.maxOutputTokens) : undefined,
        hints: typeof sessionId === "string" && sessionId ? { session_id: sessionId } : {},
      };
    },
  },
];

function check(family: Family, generated: GeneratedBody): void {
  let info: RequestInfo | undefined;
  let refusal: unknown;
  try {
    info = family.read(generated.body);
  } catch (error) {
    refusal = error;
  }
  if (refusal !== undefined) {
    // Only the client's 400; anything else would be a 500 from the hub.
    expect(refusal).toBeInstanceOf(GatewayError);
    expect((refusal as GatewayError).status).toBe(400);
    expect(generated.plain, `a plain body was refused: ${(refusal as Error).message}`).toBe(false);
    return;
  }
  if (!generated.mutated) expect(hasDuplicate(generated.names, Object.keys(family.plain)), "a repeated field the hub acts on was accepted").toBe(false);
  // The output cap sizes the quota reservation: never negative, never Infinity.
  if (info!.maxTokens !== undefined) expect(Number.isFinite(info!.maxTokens) && info!.maxTokens >= 0, `max tokens ${info!.maxTokens}`).toBe(true);
  const parsed = reference(generated.body);
  if (generated.plain) expect(parsed, "a plain body must be valid JSON").toBeDefined();
  if (!parsed) return; // accepted bytes JSON.parse refuses (e.g. a bad escape in a field the hub skips): the upstream judges them
  const want = family.expected(parsed);
  expect(info!.model).toEqual(want.model);
  expect(info!.stream).toBe(want.stream);
  expect(info!.maxTokens).toEqual(want.maxTokens);
  expect(info!.hints).toEqual(want.hints);
}

describe.each(FAMILIES)("$name request reader", (family) => {
  it(`reads what JSON.parse reads, or refuses with 400, for ${RUNS} generated bodies`, () => {
    fc.assert(fc.property(bodies(family.plain), (generated) => check(family, generated)), params);
  }, TIME_LIMIT_MS);
});

describe("paths, headers and query strings", () => {
  const segment = fc.oneof(fc.string({ maxLength: 300 }), fc.stringMatching(/^(%[0-9A-Fa-fZz]{0,2}|[a-z0-9.-]){0,80}$/), fc.integer({ min: 250, max: 4000 }).map((n) => "a".repeat(n)));
  const method = fc.constantFrom("generateContent", "streamGenerateContent", "countTokens", "loadCodeAssist", "x");

  it(`matches or refuses ${RUNS} generated Gemini and Code Assist paths without a stray throw`, () => {
    fc.assert(
      fc.property(segment, method, fc.boolean(), (seg, m, gemini) => {
        const path = gemini ? `/v1beta/models/${seg}:${m}` : `/v1internal:${seg}${m}`;
        try {
          const route = matchRoute("POST", path);
          if (route?.model !== undefined) expect(route.model.length).toBeLessThanOrEqual(256);
        } catch (error) {
          expect(error).toBeInstanceOf(RequestRejected);
          expect((error as RequestRejected).status).toBe(400);
        }
      }),
      params,
    );
  }, TIME_LIMIT_MS);

  it(`bounds or passes ${RUNS} generated header sets and query strings`, () => {
    const route: GatewayRoute = { format: "claude", kind: "generate", path: "/v1/messages" };
    const headerName = fc.constantFrom("user-agent", "x-claude-code-session-id", "session-id", "session_id", "x-session-id", "x-other");
    const headerValue = fc.oneof(fc.string({ maxLength: 40 }), fc.integer({ min: 200, max: 3000 }).map((n) => "h".repeat(n)));
    fc.assert(
      fc.property(fc.dictionary(headerName, fc.oneof(headerValue, fc.array(headerValue, { maxLength: 3 }))), fc.oneof(fc.string({ maxLength: 100 }), fc.integer({ min: 1000, max: 5000 }).map((n) => "?" + "q".repeat(n))), (headers, search) => {
        try {
          checkRequestBounds(route, headers, search);
          expect(search.length).toBeLessThanOrEqual(2048);
        } catch (error) {
          expect(error).toBeInstanceOf(RequestRejected);
          expect([414, 431]).toContain((error as RequestRejected).status);
        }
      }),
      params,
    );
  }, TIME_LIMIT_MS);
});
