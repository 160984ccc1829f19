/**
 * A client that drops a stream before the upstream's usage report is still billed, in every
 * format: what the upstream reported is kept, the missing side is estimated (input from the
 * request, output from the text the stream carried) and the log row says so in its decision
 * chain. The fake upstream stalls mid-stream; the client leaves after it has seen content.
 */
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeUpstream, type FakeUpstream } from "./fake-upstream/index.ts";
import { seedTenant, startTestHub, type TestHub } from "../test-support/hub.ts";
import type { DecisionChain } from "../server/gateway/decision-chain.ts";

let fake: FakeUpstream;
let t: TestHub;

beforeAll(async () => {
  fake = await startFakeUpstream();
  t = await startTestHub();
});
afterAll(async () => {
  await t?.stop();
  await fake?.close();
});

const TEXT = "The quick brown fox jumps over the lazy dog. ".repeat(16);
/** Reported by the fake only in its final events (Chat, Responses) or partly up front (Anthropic, Gemini). */
const USAGE = { inputTokens: 5000, outputTokens: 300 };

/** Streams a request, reads until the answer text shows up, then drops the connection. Returns the request id. */
function dropAfterContent(path: string, headers: Record<string, string>, body: unknown): Promise<string> {
  const url = new URL(t.url);
  const behaviour = { kind: "stall-mid-stream", afterEvents: 5, text: TEXT, chunks: 16, usage: USAGE };
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, method: "POST", path, headers: { "content-type": "application/json", "x-fake-behaviour": JSON.stringify(behaviour), ...headers } },
      (res) => {
        let seen = "";
        res.on("data", (chunk: Buffer) => {
          seen += chunk.toString();
          if (seen.includes("quick")) {
            req.destroy();
            resolve(String(res.headers["x-request-id"]));
          }
        });
        res.on("end", () => reject(new Error(`the stream ended before any content: ${seen.slice(0, 500)}`)));
      },
    );
    req.on("error", () => undefined); // our own destroy
    req.end(JSON.stringify(body));
  });
}

async function settledRow(requestId: string) {
  // Settlement runs once the hub notices the client left; wait for its log row.
  for (;;) {
    await t.flushLogs();
    const row = await t.hub.db.prisma.requestLog.findUnique({ where: { requestId } });
    if (row) return row;
    await new Promise((r) => setTimeout(r, 50));
  }
}

let groupSeq = 0;
function group() {
  const g = `drop${++groupSeq}`;
  return { user: { providerGroup: g }, provider: { groupTag: g } };
}

const cases = [
  {
    name: "OpenAI Chat",
    providerType: "openai-compatible",
    base: "",
    path: "/v1/chat/completions",
    body: { model: "gpt-4.1", stream: true, messages: [{ role: "user", content: "Tell me about foxes." }] },
    reportedInput: false,
  },
  {
    name: "OpenAI Responses",
    providerType: "codex",
    base: "/v1",
    path: "/v1/responses",
    body: { model: "gpt-5", stream: true, input: "Tell me about foxes." },
    reportedInput: false,
  },
  {
    name: "Gemini",
    providerType: "gemini",
    base: "",
    path: "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
    body: { contents: [{ role: "user", parts: [{ text: "Tell me about foxes." }] }] },
    reportedInput: true,
  },
  {
    name: "Anthropic",
    providerType: "claude",
    base: "",
    path: "/v1/messages",
    body: { model: "claude-sonnet-4-5", max_tokens: 1000, stream: true, messages: [{ role: "user", content: "Tell me about foxes." }] },
    reportedInput: true,
  },
];

describe("a stream the client drops before its usage report is billed", () => {
  it.each(cases)("$name", async ({ providerType, base, path, body, reportedInput }) => {
    const s = await seedTenant(t, `${fake.url}${base}`, { providerType, ...group() });
    const requestId = await dropAfterContent(path, { authorization: `Bearer ${s.key.key}`, "x-goog-api-key": s.key.key }, body);
    const row = await settledRow(requestId);
    expect(row.statusCode).toBe(499);
    const chain = row.decisionChain as unknown as DecisionChain;
    // Input: the upstream's own count where it sent one early, else about a quarter of the request's bytes.
    const requestBytes = Buffer.byteLength(JSON.stringify(body));
    if (reportedInput) {
      expect(row.inputTokens + row.cacheReadTokens).toBe(USAGE.inputTokens);
      expect(chain.usageEstimate?.input).toBe("reported");
    } else {
      expect(row.inputTokens).toBe(Math.ceil(requestBytes / 4));
      expect(chain.usageEstimate?.input).toBe("estimated_from_request");
    }
    // Output: from the text that went through before the drop — some of it, never the whole answer's 300 tokens.
    expect(chain.usageEstimate?.output).toBe("estimated_from_stream");
    expect(row.outputTokens).toBeGreaterThan(0);
    expect(row.outputTokens).toBeLessThan(Math.ceil(Buffer.byteLength(TEXT) / 4));
    expect(chain.usageEstimate?.reason).toBe("client_dropped_stream");
    expect(Number(row.costUsd)).toBeGreaterThan(0);
    const ledger = await t.hub.db.prisma.usageLedger.findUnique({ where: { requestId } });
    expect(Number(ledger?.costUsd)).toBeGreaterThan(0);
  });
});
