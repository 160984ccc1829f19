/**
 * Micro-benchmark of the sensitive-word check (issue 9): 100 words (contains in English and
 * Chinese, a few exact, a few regex) against a 64 KiB Claude-Code-like body that matches none of
 * them — the common case, where the whole text is read. Run: npx tsx scripts/bench-sensitive-words.ts
 *
 * Prints the mean CPU time per request of the check as the gateway runs it (a pre-check on the raw
 * bytes; JSON.parse, user texts and the matcher only when the pre-check sees a needle), of its
 * parts, of a body that matches, and of rule sets the pre-check cannot cover.
 */
import { findSensitiveWord } from "../server/policy/sensitive-words/find.ts";
import { SensitiveWordMatcher, type SensitiveWordRule } from "../server/policy/sensitive-words/matcher.ts";
import { userTexts } from "../server/policy/sensitive-words/user-texts.ts";

const KIB = Number(process.env.BENCH_BODY_KB ?? 64);

/** A body shaped like Claude Code's: system blocks, 20 tools with schemas, tool_use / tool_result turns. */
function claudeCodeBody(kib: number): Buffer {
  const tools = Array.from({ length: 20 }, (_, i) => ({
    name: `tool_${i}`,
    description: `Tool ${i}: reads, edits or searches files in the workspace.\nUse it when "needed".`,
    input_schema: { type: "object", properties: { path: { type: "string" }, limit: { type: "integer" } }, required: ["path"] },
  }));
  const body = {
    model: "claude-sonnet-4-5-20250929",
    max_tokens: 32000,
    stream: true,
    system: [
      { type: "text", text: "You are Claude Code, Anthropic's official CLI for Claude." },
      { type: "text", text: "Follow the user's instructions; prefer small diffs.\n".repeat(40), cache_control: { type: "ephemeral" } },
    ],
    tools,
    messages: [] as unknown[],
  };
  const source = 'export function step(x: number[]) {\n  return x.map((y) => ({ "key": y, "value": `${y}\\t` }));\n}\n// 中文注释：处理数据\n';
  for (let n = 0; Buffer.byteLength(JSON.stringify(body)) < kib * 1024 - 1500; n++) {
    body.messages.push({ role: "user", content: n === 0 ? "Refactor src/app.ts, then run the tests." : [{ type: "tool_result", tool_use_id: `toolu_${n - 1}`, content: source.repeat(10) }] });
    body.messages.push({ role: "assistant", content: [{ type: "text", text: `Step ${n}: reading the file.` }, { type: "tool_use", id: `toolu_${n}`, name: `tool_${n % 20}`, input: { path: `/repo/src/file_${n}.ts` } }] });
  }
  return Buffer.from(JSON.stringify(body));
}

function rules(): SensitiveWordRule[] {
  const list: SensitiveWordRule[] = [];
  let id = 1;
  for (let i = 0; i < 60; i++) list.push({ id: id++, word: `forbidden-term-${i}`, matchType: "contains" });
  for (let i = 0; i < 25; i++) list.push({ id: id++, word: `机密项目${i}号`, matchType: "contains" });
  for (let i = 0; i < 5; i++) list.push({ id: id++, word: `Exact Phrase ${i}`, matchType: "exact" });
  const regexes = ["secret\\s+project\\s+\\d+", "internal[-_ ]codename", "password\\s*[:=]\\s*\\S{8,}", "api[_-]?key\\s*=\\s*sk-[a-z0-9]{20,}", "ssn:\\s*\\d{3}-\\d{2}-\\d{4}"];
  for (const r of regexes) list.push({ id: id++, word: r, matchType: "regex" });
  for (let i = 0; list.length < 100; i++) list.push({ id: id++, word: `codename-${i}`, matchType: "contains" });
  return list;
}

/**
 * Mean CPU time (user + system) per call, and wall time beside it: on a shared machine the wall
 * clock counts time the process waited for a core, the CPU clock only the work itself.
 */
function measure(name: string, fn: () => unknown, iterations = 2000): number {
  for (let i = 0; i < 200; i++) fn();
  const wall = performance.now();
  const cpu = process.cpuUsage();
  for (let i = 0; i < iterations; i++) fn();
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000 / iterations;
  const wallMs = (performance.now() - wall) / iterations;
  console.log(`${name.padEnd(52)} cpu ${cpuMs.toFixed(4)} ms   wall ${wallMs.toFixed(4)} ms`);
  return cpuMs;
}

const body = claudeCodeBody(KIB);
const list = rules();
const matcher = new SensitiveWordMatcher(list);
const parsed = JSON.parse(body.toString("utf8"));
const texts = userTexts("claude", parsed);
if (findSensitiveWord(matcher, "claude", body)) throw new Error("the benchmark body must match no word");
console.log(`body ${(body.length / 1024).toFixed(1)} KiB, ${texts.length} texts of ${texts.reduce((n, t) => n + t.length, 0)} chars, ${list.length} rules`);
const none = new SensitiveWordMatcher([]);
measure("no words configured (empty-list check)", () => findSensitiveWord(none, "claude", body), 200);
measure("pre-check on the raw bytes", () => matcher.prefilter.mayMatch(body));
measure("JSON.parse of the body", () => JSON.parse(body.toString("utf8")));
measure("extract user texts", () => userTexts("claude", parsed));
measure("exact path: match 100 rules against the texts", () => matcher.match(texts));
const total = measure("FULL CHECK as the gateway runs it", () => findSensitiveWord(matcher, "claude", body));
const hitBody = Buffer.from(body.toString("utf8").replace("Refactor src/app.ts", "Refactor src/app.ts for forbidden-term-59"));
measure("a body that matches (pre-check, parse, match)", () => findSensitiveWord(matcher, "claude", hitBody));
const noLiteral = new SensitiveWordMatcher([{ id: 1, word: "\\d{16}", matchType: "regex" }]);
measure("extra: a regex with no literal (\\d{16}): no pre-check", () => findSensitiveWord(noLiteral, "claude", body), 200);
const caseless = new SensitiveWordMatcher([{ id: 1, word: "(?i)password\\s*[:=]", matchType: "regex" }]);
measure("extra: one (?i) regex on the texts (exact path)", () => caseless.match(texts), 200);
console.log(`RESULT full check ${total.toFixed(3)} ms per request (budget 0.3 ms)`);
