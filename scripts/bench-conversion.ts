/**
 * CPU cost of format conversion (issue 8, Performance; decision 0020):
 *   node --import tsx scripts/bench-conversion.ts [rounds] [requests|streams]
 *
 * Requests: a Claude-Code-like body (the shape ../shared/bench sends with
 * BENCH_BODY_SHAPE=structured: system blocks, 20 tools with JSON schemas, tool_use/tool_result
 * turns, escapes) at 64 KiB and 200 KiB, converted as steps/convert.ts does it — JSON.parse,
 * the client codec's decodeRequest, the upstream codec's encodeRequest, JSON.stringify into a
 * Buffer. Chat→Claude and Responses→Claude start from the same conversation written in those
 * formats. The parse+stringify row is the floor any converting request pays.
 *
 * Streams: a long upstream SSE stream fed one event per chunk through the gateway's
 * ConvertingTap (decoder → encoder), against the same stream through the format's own
 * passthrough tap (what a same-format request pays); per upstream event.
 *
 * Timings are CPU time of this process (process.cpuUsage, user + system) per operation, after
 * a warm-up, in rounds: median and p95 over rounds. The machine is shared and noisy: compare
 * rows of one run, not runs.
 */
import type { GatewayRoute } from "../server/gateway/endpoints.ts";
import type { ApiFormat, StreamTap } from "../server/gateway/formats/types.ts";
import { wireFormat } from "../server/gateway/formats/registry.ts";
import { ConvertingTap } from "../server/gateway/convert/converting-tap.ts";
import type { StreamEvent } from "../server/gateway/convert/neutral.ts";
import { codecFor } from "../server/gateway/convert/registry.ts";
import type { EncodeContext, FormatCodec } from "../server/gateway/convert/types.ts";

const ROUNDS = Number(process.argv[2] ?? 40);
/** "requests" or "streams" to run only that half. */
const ONLY = process.argv[3];

const codec = (format: ApiFormat): FormatCodec => codecFor(format)!;

/** The body ../shared/bench/run.mjs builds for BENCH_BODY_SHAPE=structured (same generator). */
function structuredAnthropic(kb: number): Record<string, unknown> {
  const tools = Array.from({ length: 20 }, (_, i) => ({
    name: `tool_${i}`,
    description: `Tool number ${i}: reads, edits or searches files in the workspace.\nUse it when "needed".`,
    input_schema: {
      type: "object",
      properties: { path: { type: "string", description: "absolute path" }, pattern: { type: "string" }, limit: { type: "integer", minimum: 1 } },
      required: ["path"],
    },
  }));
  const messages: Record<string, unknown>[] = [];
  const body = {
    model: "claude-sonnet-4-5-20250929",
    max_tokens: 32000,
    stream: false,
    system: [
      { type: "text", text: "You are Claude Code, Anthropic's official CLI for Claude." },
      { type: "text", text: "Follow the user's instructions.\n".repeat(40), cache_control: { type: "ephemeral" } },
    ],
    tools,
    metadata: { user_id: "user_0123456789abcdef_account__session_8f14e45f-ceea-467e-a1b2-0c0ffee00001" },
    messages,
  };
  const code = 'function f(x) {\n  return x.map((y) => ({ "k": y, "v": `${y}\\t` }));\n}\n';
  let n = 0;
  while (JSON.stringify(body).length < kb * 1024) {
    const id = `toolu_${String(n).padStart(6, "0")}`;
    messages.push({
      role: "user",
      content: n === 0 ? [{ type: "text", text: "Refactor src/app.ts, then run the tests." }] : [{ type: "tool_result", tool_use_id: `toolu_${String(n - 1).padStart(6, "0")}`, content: code.repeat(12) }],
    });
    messages.push({ role: "assistant", content: [{ type: "text", text: `Step ${n}: reading the file.` }, { type: "tool_use", id, name: `tool_${n % 20}`, input: { path: `/repo/src/file_${n}.ts`, limit: 200 } }] });
    n++;
  }
  messages.push({ role: "user", content: [{ type: "tool_result", tool_use_id: `toolu_${String(n - 1).padStart(6, "0")}`, content: "ok" }] });
  return body;
}

function routeFor(format: ApiFormat): GatewayRoute {
  if (format === "claude") return { format, kind: "generate", path: "/v1/messages" };
  if (format === "openai-chat") return { format, kind: "generate", path: "/v1/chat/completions" };
  if (format === "openai-responses") return { format, kind: "generate", path: "/v1/responses" };
  throw new Error(`no bench route for ${format}`);
}

/** Everything steps/convert.ts does for a converted request, from the client's bytes to the upstream's. */
function convertRequest(bytes: Buffer, from: ApiFormat, to: ApiFormat): Buffer {
  const body = JSON.parse(bytes.toString("utf8")) as Record<string, unknown>;
  const neutral = codec(from).decodeRequest(body, routeFor(from), "");
  const encoded = codec(to).encodeRequest(neutral, { dropped: [] });
  return Buffer.from(JSON.stringify(encoded.body));
}

function parseStringifyOnly(bytes: Buffer): Buffer {
  return Buffer.from(JSON.stringify(JSON.parse(bytes.toString("utf8"))));
}

interface Stat {
  median: number;
  p95: number;
}

/** CPU microseconds per call of `fn`, `perRound` calls per round, over ROUNDS rounds after a warm-up. */
function measure(fn: () => void, perRound: number): Stat {
  for (let i = 0; i < perRound * 5; i++) fn();
  const samples: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const start = process.cpuUsage();
    for (let i = 0; i < perRound; i++) fn();
    const used = process.cpuUsage(start);
    samples.push((used.user + used.system) / perRound);
  }
  samples.sort((a, b) => a - b);
  return { median: samples[Math.floor(samples.length / 2)], p95: samples[Math.min(samples.length - 1, Math.floor(samples.length * 0.95))] };
}

const rows: string[][] = [];
function row(name: string, size: string, stat: Stat, unit: string) {
  rows.push([name, size, stat.median.toFixed(unit === "µs/event" ? 2 : 0), stat.p95.toFixed(unit === "µs/event" ? 2 : 0), unit]);
}

// ---------------------------------------------------------------------------- requests
for (const kb of ONLY === "streams" ? [] : [64, 200]) {
  const claudeBody = structuredAnthropic(kb);
  const claudeBytes = Buffer.from(JSON.stringify(claudeBody));
  const size = `${Math.round(claudeBytes.length / 1024)} KiB`;
  const perRound = kb === 64 ? 20 : 6;
  row("parse + stringify only (floor)", size, measure(() => parseStringifyOnly(claudeBytes), perRound), "µs/req");
  for (const to of ["openai-chat", "openai-responses", "gemini"] as ApiFormat[]) {
    row(`claude → ${to}`, size, measure(() => convertRequest(claudeBytes, "claude", to), perRound), "µs/req");
  }
  for (const from of ["openai-chat", "openai-responses"] as ApiFormat[]) {
    const bytes = convertRequest(claudeBytes, "claude", from);
    row(`${from} → claude`, `${Math.round(bytes.length / 1024)} KiB`, measure(() => convertRequest(bytes, from, "claude"), perRound), "µs/req");
  }
}

// ---------------------------------------------------------------------------- streams
const ctx: EncodeContext = { model: "claude-sonnet-4-5", requestId: "req_bench", includeUsage: true, sse: true, now: 1_700_000_000 };

/** A long answer as neutral events: a text block of many small deltas, then a tool call streamed in fragments. */
function neutralStream(textDeltas: number): StreamEvent[] {
  const events: StreamEvent[] = [
    { type: "start", id: "msg_bench", model: "claude-sonnet-4-5", usage: { inputTokens: 1200, cacheReadTokens: 30000 } },
    { type: "block_start", index: 0, block: { type: "text" } },
  ];
  const words = ["The ", "quick ", "brown ", "fox ", 'says "hi" ', "and\n", "jumps ", "— ünï ", "over ", "it. "];
  for (let i = 0; i < textDeltas; i++) events.push({ type: "text_delta", index: 0, text: words[i % words.length] });
  events.push({ type: "block_stop", index: 0 });
  events.push({ type: "block_start", index: 1, block: { type: "tool_call", id: "call_bench", name: "tool_3" } });
  const args = JSON.stringify({ path: "/repo/src/app.ts", pattern: "x.map\\(", limit: 200 });
  for (let i = 0; i < args.length; i += 6) events.push({ type: "tool_args_delta", index: 1, json: args.slice(i, i + 6) });
  events.push({ type: "block_stop", index: 1 });
  events.push({ type: "finish", stopReason: "tool_use", usage: { inputTokens: 1200, outputTokens: textDeltas + 40, cacheReadTokens: 30000, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0 } });
  return events;
}

/** The upstream's SSE stream as it would come over the wire, one chunk per event. */
function upstreamChunks(format: ApiFormat, events: StreamEvent[]): Buffer[] {
  const encoder = codec(format).createStreamEncoder(ctx);
  const chunks: Buffer[] = [];
  for (const event of events) {
    const text = encoder.encode([event]);
    if (text) chunks.push(Buffer.from(text));
  }
  const tail = encoder.end();
  if (tail) chunks.push(Buffer.from(tail));
  return chunks;
}

function run(tap: StreamTap, chunks: Buffer[]) {
  for (const chunk of chunks) tap.push(chunk);
  tap.end();
}

const DELTAS = 2000;
for (const [up, client] of (ONLY === "requests" ? [] : [
  ["openai-chat", "claude"],
  ["claude", "openai-chat"],
  ["openai-responses", "claude"],
  ["gemini", "claude"],
] as [ApiFormat, ApiFormat][])) {
  const chunks = upstreamChunks(up, neutralStream(DELTAS));
  const n = chunks.length;
  const options = { defaultCacheTtl: "5m" as const, usageInjected: false };
  const pass = measure(() => run(wireFormat(up)!.createStreamTap(options), chunks), 1);
  const conv = measure(() => run(new ConvertingTap(codec(up).createStreamDecoder(), codec(client).createStreamEncoder(ctx)), chunks), 1);
  const per = (s: Stat): Stat => ({ median: s.median / n, p95: s.p95 / n });
  row(`${up} stream, passthrough tap`, `${n} events`, per(pass), "µs/event");
  row(`${up} → ${client} stream, converting tap`, `${n} events`, per(conv), "µs/event");
  rows.push([`  ratio converted / passthrough`, "", (conv.median / pass.median).toFixed(2), "", "×"]);
}

const widths = [0, 1, 2, 3, 4].map((c) => Math.max(...rows.map((r) => r[c].length), ["what", "size", "median", "p95", "unit"][c].length));
const line = (r: string[]) => r.map((cell, c) => (c >= 2 && c <= 3 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join("  ");
console.log(`node ${process.version}, ${ROUNDS} rounds, CPU time (user+system) per operation`);
console.log(line(["what", "size", "median", "p95", "unit"]));
for (const r of rows) console.log(line(r));
