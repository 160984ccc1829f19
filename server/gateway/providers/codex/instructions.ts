/**
 * The Codex instructions strategy of a `codex` provider (manual §5.3): whose `instructions` the
 * upstream gets.
 *
 * - `auto`: the client's, untouched. When the upstream refuses them (a 400 whose body says the
 *   instructions are not valid, as ChatGPT's Codex backend answers anything but Codex CLI's own
 *   prompt) the request is retried once with the official instructions.
 * - `official`: always the official Codex CLI instructions (official-instructions.ts).
 * - `custom`: always the admin's text (bounded to 64 KiB by the admin API and the form).
 *
 * Only codex providers whose strategy is not `auto` (or an `auto` one after a refusal) pay for
 * a rewrite: one top-level scan of the body and one copy. Everything else passes untouched.
 * forward.ts calls codexInstructions() on each attempt's body and
 * retryWithOfficialInstructions() on each failure.
 */
import { JsonSyntaxError, scanTopLevel } from "../../body/json-scan.ts";
import type { CachedProvider } from "../../../catalog/types.ts";
import type { UpstreamRequest } from "../../formats/types.ts";
import { OFFICIAL_CODEX_INSTRUCTIONS } from "./official-instructions.ts";

export const CODEX_INSTRUCTIONS_STRATEGIES = ["auto", "official", "custom"] as const;
export type CodexInstructionsStrategy = (typeof CODEX_INSTRUCTIONS_STRATEGIES)[number];

/** Bound on the admin's custom instructions (UTF-8 bytes). */
export const MAX_CUSTOM_INSTRUCTIONS_BYTES = 64 * 1024;

type CodexSettings = Pick<CachedProvider, "providerType" | "codexInstructionsStrategy" | "codexInstructions">;

/** Requests (by their context object) whose `auto` provider refused the client's instructions. */
const refused = new WeakSet<object>();

/** How much of an error body is searched for the refusal (the message is near the start). */
const REFUSAL_SCAN_BYTES = 4096;
const REFUSAL = /instructions are not valid/i;

const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

/** The instructions this provider imposes on the request, or undefined to keep the client's. */
export function imposedInstructions(provider: CodexSettings, request: object): string | undefined {
  if (provider.providerType !== "codex") return undefined;
  switch (provider.codexInstructionsStrategy) {
    case "official":
      return OFFICIAL_CODEX_INSTRUCTIONS;
    case "custom":
      // An empty custom text is refused by the admin API; a row that holds none anyway gets the official text.
      return provider.codexInstructions || OFFICIAL_CODEX_INSTRUCTIONS;
    default:
      return refused.has(request) ? OFFICIAL_CODEX_INSTRUCTIONS : undefined;
  }
}

/** `body` (a JSON object) with its top-level `instructions` set to `text`, added first when absent. */
export function setInstructions(body: Buffer, text: string): Buffer {
  let range;
  try {
    range = scanTopLevel(body, new Set(["instructions"])).get("instructions");
  } catch (error) {
    // The format's reader has already accepted this body; a body that is not an object is left to the upstream.
    if (error instanceof JsonSyntaxError) return body;
    throw error;
  }
  const value = Buffer.from(JSON.stringify(text));
  if (range) return Buffer.concat([body.subarray(0, range.start), value, body.subarray(range.end)]);
  const open = body.indexOf(OPEN_OBJECT);
  let next = open + 1;
  while (next < body.length && (body[next] === 0x20 || body[next] === 0x0a || body[next] === 0x0d || body[next] === 0x09)) next++;
  const separator = body[next] === CLOSE_OBJECT ? "" : ",";
  return Buffer.concat([body.subarray(0, open + 1), Buffer.from(`"instructions":`), value, Buffer.from(separator), body.subarray(open + 1)]);
}

/** The attempt's upstream request with the instructions the provider's strategy imposes. */
export function codexInstructions(request: object, provider: CodexSettings, upstream: UpstreamRequest): UpstreamRequest {
  const text = imposedInstructions(provider, request);
  return text === undefined ? upstream : { ...upstream, body: setInstructions(upstream.body, text) };
}

/** What forward.ts knows of a failed attempt. */
interface Failure {
  class: string;
  status?: number;
  body?: Buffer;
}

/**
 * Whether to retry this failure once with the official instructions: an `auto` codex provider
 * refused the client's instructions, and this request has not been retried for that yet.
 */
export function retryWithOfficialInstructions(request: object, provider: CodexSettings, failure: Failure): boolean {
  if (provider.providerType !== "codex" || provider.codexInstructionsStrategy !== "auto" || refused.has(request)) return false;
  if (failure.class !== "http_error" || failure.status !== 400 || !failure.body) return false;
  if (!REFUSAL.test(failure.body.toString("utf8", 0, Math.min(failure.body.length, REFUSAL_SCAN_BYTES)))) return false;
  refused.add(request);
  return true;
}
