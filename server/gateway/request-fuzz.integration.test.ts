/**
 * Generated requests through a real hub over loopback (PostgreSQL, Redis, the fake upstream),
 * per endpoint family, four at a time: escaped and repeated keys, deep nesting, huge numbers,
 * invalid UTF-8 and cut-off bodies (test-support/fuzz-requests.ts), with generated paths, query
 * strings and headers. Properties: every request is answered (none left hanging), no 5xx that
 * is not the upstream's, an answer is a stream exactly when JSON.parse reads `stream: true`, the
 * request log has the model and streaming JSON.parse reads (Messages, Chat, Responses), and the
 * process's memory stays bounded.
 *
 * CI sends 250 requests per family (1 500 in all), which keeps this file under a minute on the
 * shared two-core machine; FUZZ_RUNS=<n> sends n per family, FUZZ_SEED=<seed> replays a failure.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeUpstream, type FakeUpstream } from "../../e2e/fake-upstream/index.ts";
import { bodies, FUZZ_SEED, fuzzRuns, PLAIN, reference } from "../../test-support/fuzz-requests.ts";
import { seedTenant, startTestHub, type TestHub } from "../../test-support/hub.ts";

const RUNS = fuzzRuns(250);
const CONCURRENCY = 4;
/** A request not answered within this is a hang (generous: the machine is shared). */
const ANSWER_WITHIN_MS = 20_000;
/**
 * Growth of the resident memory over a family's run that counts as unbounded. The hub, the fake
 * upstream and the test share this process; bodies are under 100 KB, so a hub that keeps nothing
 * per request stays far below this whatever FUZZ_RUNS is.
 */
const MEMORY_GROWTH_LIMIT = 512 * 1024 * 1024;

let fake: FakeUpstream;
let t: TestHub;
const keys: Record<string, string> = {};

beforeAll(async () => {
  fake = await startFakeUpstream();
  t = await startTestHub();
  const tenant = async (name: string, providerType: string, url = fake.url, provider: Record<string, unknown> = {}) => {
    keys[name] = (await seedTenant(t, url, { providerType, user: { providerGroup: `fuzz-${name}` }, provider: { groupTag: `fuzz-${name}`, ...provider } })).key.key;
  };
  await tenant("claude", "claude");
  await tenant("chat", "openai-compatible");
  await tenant("responses", "codex", `${fake.url}/v1`);
  await tenant("gemini", "gemini");
  // A Code Assist credential that is still valid, so no token refresh is needed.
  const credential = { access_token: "ya29.fuzz", refresh_token: "1//fuzz", client_id: "fuzz.apps.googleusercontent.com", client_secret: "s", expiry_date: Date.now() + 3_600_000, token_uri: "http://127.0.0.1:9/token" };
  await tenant("codeAssist", "gemini-cli", fake.url, { key: JSON.stringify(credential) });
});

afterAll(async () => {
  await t?.stop();
  await fake?.close();
});

const printable = (max: number) => fc.stringMatching(new RegExp(`^[\\x20-\\x7e]{0,${max}}$`));
const longish = (min: number, max: number) => fc.integer({ min, max }).map((n) => "v".repeat(n));
// Over-long values are a small share, so most requests reach the body readers and the upstream.
const query = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom("", "?beta=true", "?alt=sse", "?%6Bey=x", "?key=", "?a=%ZZ&b=%") },
  { weight: 3, arbitrary: printable(40).map((s) => `?${encodeURIComponent(s)}`) },
  { weight: 1, arbitrary: longish(1900, 2200).map((s) => `?q=${s}`) },
);
const headers = fc.record(
  {
    "user-agent": fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom("claude-cli/2.0.14 (external, cli)", "codex_cli_rs/0.46.0", "GeminiCLI/0.9.0") },
      { weight: 3, arbitrary: printable(80) },
      { weight: 1, arbitrary: longish(500, 600) },
    ),
    "x-claude-code-session-id": fc.oneof({ weight: 6, arbitrary: fc.uuid() }, { weight: 3, arbitrary: printable(60) }, { weight: 1, arbitrary: longish(250, 300) }),
    session_id: fc.oneof(fc.uuid(), printable(60)),
    "anthropic-beta": printable(60),
  },
  { requiredKeys: [] },
);
const geminiSegment = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom("gemini-2.5-flash", "gemini-2.5-pro", "%ZZ", "%", "a%2Fb", "%E2%82", "x%00y") },
  { weight: 2, arbitrary: fc.stringMatching(/^[A-Za-z0-9.%-]{1,60}$/) },
  { weight: 1, arbitrary: longish(250, 300) },
);

interface Family {
  name: string;
  key: string;
  auth(key: string): Record<string, string>;
  path: fc.Arbitrary<string>;
  plain: Record<string, fc.Arbitrary<string>>;
}

const claudeFields = { model: PLAIN.model, stream: PLAIN.stream, max_tokens: PLAIN.tokens, metadata: PLAIN.metadata, messages: PLAIN.conversation };
const FAMILIES: Family[] = [
  { name: "Messages", key: "claude", auth: (k) => ({ "x-api-key": k, "anthropic-version": "2023-06-01" }), path: fc.constant("/v1/messages"), plain: claudeFields },
  { name: "count_tokens", key: "claude", auth: (k) => ({ "x-api-key": k, "anthropic-version": "2023-06-01" }), path: fc.constant("/v1/messages/count_tokens"), plain: claudeFields },
  {
    name: "Chat",
    key: "chat",
    auth: (k) => ({ authorization: `Bearer ${k}` }),
    path: fc.constant("/v1/chat/completions"),
    plain: { model: PLAIN.model, stream: PLAIN.stream, max_tokens: PLAIN.tokens, messages: PLAIN.conversation, prompt_cache_key: PLAIN.id, stream_options: fc.constantFrom('{"include_usage":true}', "null", "{}") },
  },
  {
    name: "Responses",
    key: "responses",
    auth: (k) => ({ authorization: `Bearer ${k}` }),
    path: fc.constantFrom("/v1/responses", "/v1/responses/compact"),
    plain: { model: PLAIN.model, stream: PLAIN.stream, max_output_tokens: PLAIN.tokens, input: PLAIN.conversation, previous_response_id: PLAIN.id },
  },
  {
    name: "Gemini",
    key: "gemini",
    auth: (k) => ({ "x-goog-api-key": k }),
    path: fc.tuple(geminiSegment, fc.constantFrom("generateContent", "streamGenerateContent", "countTokens")).map(([m, op]) => `/v1beta/models/${m}:${op}`),
    plain: { contents: PLAIN.conversation, generationConfig: PLAIN.tokens.map((n) => `{"maxOutputTokens":${n}}`) },
  },
  {
    name: "Code Assist",
    key: "codeAssist",
    auth: (k) => ({ authorization: `Bearer ${k}` }),
    path: fc.constantFrom("/v1internal:generateContent", "/v1internal:streamGenerateContent", "/v1internal:countTokens", "/v1internal:loadCodeAssist", `/v1internal:${"a".repeat(1100)}`),
    plain: { model: PLAIN.model, request: PLAIN.id.map((id) => `{"contents":[{"role":"user","parts":[{"text":"hi"}]}],"session_id":${id}}`) },
  },
];

interface Sample {
  path: string;
  search: string;
  headers: Record<string, string>;
  body: Buffer;
}

interface Answer {
  status: number;
  contentType: string;
  requestId: string;
  text: string;
}

/** What JSON.parse read from an answered request's body, to compare with its request-log row. */
interface Expectation {
  requestId: string;
  model: unknown;
  stream: boolean;
  sample: Sample;
}

/** Paths whose body's `stream` decides, for the upstream as for the hub, whether the answer is a stream. */
const STREAM_BY_BODY = new Set(["/v1/messages", "/v1/chat/completions", "/v1/responses"]);

async function send(family: Family, sample: Sample): Promise<Answer> {
  const res = await fetch(`${t.url}${sample.path}${sample.search}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...sample.headers, ...family.auth(keys[family.key]) },
    body: new Uint8Array(sample.body),
    signal: AbortSignal.timeout(ANSWER_WITHIN_MS),
  });
  // Streams are read to the end: an answer that never finishes is a hang too.
  return { status: res.status, contentType: res.headers.get("content-type") ?? "", requestId: res.headers.get("x-request-id") ?? "", text: await res.text() };
}

function describeSample(sample: Sample): string {
  const body = sample.body.length > 600 ? `${sample.body.toString("utf8", 0, 600)}… (${sample.body.length} bytes)` : sample.body.toString("utf8");
  return JSON.stringify({ path: sample.path.slice(0, 200), search: sample.search.slice(0, 200), headers: Object.fromEntries(Object.entries(sample.headers).map(([k, v]) => [k, v.slice(0, 100)])), body });
}

/** Samples are generated a batch at a time, so the test's own memory does not grow with FUZZ_RUNS. */
const BATCH = 200;

describe.each(FAMILIES)("$name over HTTP", (family) => {
  it(`answers ${RUNS} generated requests, none with a hub 5xx, none left hanging, in bounded memory`, async () => {
    const arbitrary = fc.record({ path: family.path, search: query, headers, body: bodies(family.plain).map((g) => g.body) });
    const rssBefore = process.memoryUsage().rss;
    let peakGrowth = 0;
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    for (let sent = 0; sent < RUNS && failures.length === 0; sent += BATCH) {
      // Seed per family and batch: FUZZ_SEED alone replays the whole run.
      const samples: Sample[] = fc.sample(arbitrary, { numRuns: Math.min(BATCH, RUNS - sent), seed: FUZZ_SEED + family.name.length * 1_000_003 + sent });
      let next = 0;
      const expectations: Expectation[] = [];
      const worker = async () => {
        while (next < samples.length && failures.length === 0) {
          const sample = samples[next++];
          let answer: Answer;
          try {
            answer = await send(family, sample);
          } catch (error) {
            failures.push(`no answer (${(error as Error).name}: ${(error as Error).message}) to ${describeSample(sample)}`);
            return;
          }
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          // The fake upstream's own 5xx are relayed as they are; any other 5xx is the hub's.
          if (answer.status >= 500 && !answer.text.includes("fake upstream")) {
            failures.push(`${answer.status} ${answer.text.slice(0, 300)} for ${describeSample(sample)}`);
          }
          // The upstream streamed exactly when JSON.parse reads stream: true, and the hub relayed it as such.
          const parsed = answer.status === 200 && STREAM_BY_BODY.has(sample.path) ? reference(sample.body) : undefined;
          if (parsed && answer.contentType.includes("text/event-stream") !== (parsed.stream === true)) {
            failures.push(`stream: ${String(parsed.stream)} answered as ${answer.contentType} for ${describeSample(sample)}`);
          }
          if (parsed) expectations.push({ requestId: answer.requestId, model: parsed.model, stream: parsed.stream === true, sample });
          peakGrowth = Math.max(peakGrowth, process.memoryUsage().rss - rssBefore);
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      fake.reset(); // the fake keeps every request it saw
      // The hub logged (and so priced) each answered request with the model and streaming JSON.parse reads.
      await t.flushLogs();
      const rows = await t.hub.db.sql<{ request_id: string; model: string | null; is_stream: boolean }>(
        "select request_id, model, is_stream from request_log where request_id = any($1)",
        [expectations.map((e) => e.requestId)],
      );
      const logged = new Map(rows.map((r) => [r.request_id, r]));
      for (const e of expectations) {
        const row = logged.get(e.requestId);
        if (!row) failures.push(`no request-log row for ${describeSample(e.sample)}`);
        else if (row.model !== e.model || row.is_stream !== e.stream) {
          failures.push(`logged model ${JSON.stringify(row.model)} stream ${row.is_stream}, JSON.parse reads ${JSON.stringify(e.model)} ${e.stream}, for ${describeSample(e.sample)}`);
        }
      }
    }
    if (failures.length) console.error(`request fuzz (${family.name}) failed with FUZZ_SEED=${FUZZ_SEED}:\n${failures.join("\n")}`);
    expect(failures).toEqual([]);
    expect(peakGrowth).toBeLessThan(MEMORY_GROWTH_LIMIT);
    const total = [...statuses.values()].reduce((a, b) => a + b, 0);
    console.info(`${family.name}: ${total} requests, statuses ${JSON.stringify(Object.fromEntries(statuses))}, peak RSS growth ${(peakGrowth / 1048576).toFixed(1)} MiB`);
  }, Math.max(120_000, RUNS * 600));
});
