/**
 * Script time of batch.lua per call, for two or more copies of the quota scripts side by side
 * (decision 0024, "Cheaper Lua"):
 *   node --import tsx scripts/bench-lua.ts [calls per phase] [rounds] <scripts dir> [<scripts dir> ...]
 * e.g. the scripts of main against the working tree's:
 *   mkdir -p /tmp/main-scripts && for f in quota-lib admit failover settle batch hydrate; do
 *     git show main:server/store/scripts/$f.lua > /tmp/main-scripts/$f.lua; done
 *   node --import tsx scripts/bench-lua.ts 400 5 /tmp/main-scripts server/store/scripts
 *
 * Starts its own redis-server on BENCH_LUA_PORT (default 6393, no persistence) and sends
 * batch.lua calls straight (EVALSHA, pipelined), with the scopes and requests of
 * scripts/bench-store.ts: key, user and provider with 5 h, daily and monthly money limits, one
 * session bound at every settlement. Phases: an empty batch, one admission per call, one
 * settlement per call, 4 settlements + 4 admissions per call, 8 admissions, 8 settlements.
 * Time is INFO commandstats' usec of EVALSHA (wall clock inside Redis): each copy's phases
 * alternate with the others' in every round, and the minimum over the rounds is reported beside
 * the median, as a loaded machine stretches single rounds.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { Redis } from "ioredis";
import type { Limits } from "../server/catalog/types.ts";
import { buildScope } from "../server/domain/quota/scopes.ts";

const CALLS = Number(process.argv[2] ?? 400);
const ROUNDS = Number(process.argv[3] ?? 5);
const DIRS = process.argv.slice(4);
const PORT = Number(process.env.BENCH_LUA_PORT ?? 6393);
const USD = 1_000_000_000;

function moneyLimits(fiveHourUsd: number, dailyUsd: number, monthlyUsd: number): Limits {
  return {
    rpm: null,
    concurrentSessions: null,
    fiveHourNano: fiveHourUsd * USD,
    dailyNano: dailyUsd * USD,
    dailyResetMode: "fixed",
    dailyResetTime: "00:00",
    weeklyNano: null,
    monthlyNano: monthlyUsd * USD,
    totalNano: null,
    totalResetAt: null,
  };
}

const BREAKER = { failureThreshold: 5, openDurationMs: 30_000, halfOpenSuccessThreshold: 2, halfOpenMaxProbes: 1 };
const SESSION = { id: "8f14e45f-ceea-467e-a1b2-0c0ffee00001", bindingKey: "1:8f14e45f-ceea-467e-a1b2-0c0ffee00001" };
const START = Date.now();
const SPECS = [
  buildScope("k:1", moneyLimits(100_000, 200_000, 1_000_000), "UTC", START).spec,
  buildScope("u:1", moneyLimits(100_000, 200_000, 1_000_000), "UTC", START).spec,
  buildScope("p:1", moneyLimits(1_000_000, 2_000_000, 10_000_000), "UTC", START).spec,
];
const SPECS_JSON = SPECS.map((s) => JSON.stringify(s)).join(",");

type Op = { o: "admit" | "settle"; r: object };
// Scope specs by index into the batch's list, as redis-store.ts serializeBatch sends them.
/** When each request was admitted: its settlement names it (SettleRequest.admittedAt). */
const admissionTimes = new Map<string, number>();
function admittedNow(requestId: string): number {
  const now = Date.now();
  admissionTimes.set(requestId, now);
  return now;
}
const admit = (requestId: string): Op => ({
  o: "admit",
  r: {
    requestId,
    now: admittedNow(requestId),
    scopes: [0, 1],
    estimateNano: 20_000_000,
    session: SESSION,
    candidates: [{ providerId: 1, priority: 0, reclaimSessions: false, disableSessionReuse: false, breaker: BREAKER, limits: 2 }],
    enforce: true,
    holdMs: 600_000,
    passthrough: false,
  },
});
const settle = (requestId: string): Op => ({
  o: "settle",
  r: {
    requestId,
    now: Date.now(),
    admittedAt: admissionTimes.get(requestId) ?? Date.now(),
    costNano: 15_000_000,
    providerId: 1,
    breaker: "success",
    breakerConfig: BREAKER,
    bind: { bindingKey: SESSION.bindingKey, providerId: 1, ttlMs: 300_000 },
    scopes: [0, 1, 2],
  },
});
const batch = (ops: Op[]) => `{"specs":[${SPECS_JSON}],"ops":[${ops.map((op) => JSON.stringify(op)).join(",")}]}`;
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

async function main() {
  if (DIRS.length === 0) throw new Error("usage: bench-lua.ts [calls] [rounds] <scripts dir> [<scripts dir> ...]");
  const server = spawn("redis-server", ["--port", String(PORT), "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  const redis = new Redis(`redis://127.0.0.1:${PORT}`, { retryStrategy: (attempt) => (attempt > 50 ? null : 100) });
  // Refused until the server listens: the first PING waits through the retries.
  redis.on("error", () => undefined);
  try {
    await redis.ping();
    const copies: Array<{ dir: string; sha: string; prefix: string }> = [];
    for (const [i, dir] of DIRS.entries()) {
      const read = (...names: string[]) => names.map((n) => readFileSync(path.join(dir, `${n}.lua`), "utf8")).join("\n");
      const sha = (await redis.script("LOAD", read("quota-lib", "admit", "failover", "settle", "batch"))) as string;
      const hydrate = (await redis.script("LOAD", read("quota-lib", "hydrate"))) as string;
      const prefix = `bench${i}:{q}`;
      // Counters start trusted and empty, as after the hydration of a new key.
      for (const s of SPECS) {
        const input = { now: START, scope: s.scope, signature: s.signature, data: { signature: s.signature, buckets: {}, fixed: {} } };
        await redis.evalsha(hydrate, 1, `${prefix}sc:${s.scope}`, prefix, JSON.stringify(input));
      }
      copies.push({ dir, sha, prefix });
    }
    const evalshaUsec = async () => {
      const m = /cmdstat_evalsha:calls=(\d+),usec=(\d+)/.exec(await redis.info("commandstats"));
      return m ? { calls: Number(m[1]), usec: Number(m[2]) } : { calls: 0, usec: 0 };
    };
    const times = new Map<string, number[]>();
    const phase = async (label: string, copy: { dir: string; sha: string; prefix: string }, calls: number, opsPerCall: number, make: (call: number) => Op[]) => {
      const before = await evalshaUsec();
      for (let i = 0; i < calls; i += 100) {
        const pipeline = redis.pipeline();
        for (let call = i; call < Math.min(calls, i + 100); call++) pipeline.evalsha(copy.sha, 1, `${copy.prefix}x`, copy.prefix, batch(make(call)));
        for (const [error, reply] of (await pipeline.exec()) ?? []) {
          if (error) throw error;
          // Every operation is meant to succeed: the limits are far above what a run spends.
          if (/error|limited|unhydrated|no_provider/.test(String(reply))) throw new Error(`${copy.dir}: ${String(reply)}`);
        }
      }
      const after = await evalshaUsec();
      const key = `${copy.dir}  ${label}`;
      times.set(key, [...(times.get(key) ?? []), (after.usec - before.usec) / (after.calls - before.calls) / opsPerCall]);
    };
    let next = 0;
    for (let round = 0; round < ROUNDS; round++) {
      for (const copy of copies) {
        const id = (n: number) => `r${round}-${n}`;
        await phase("empty batch, per call", copy, CALLS, 1, () => []);
        const single = (next += CALLS);
        await phase("1 admission per call", copy, CALLS, 1, (call) => [admit(id(single + call))]);
        await phase("1 settlement per call", copy, CALLS, 1, (call) => [settle(id(single + call))]);
        const mixed = (next += CALLS * 4);
        // Each call settles the previous call's four admissions (the first call's four are new ids).
        await phase("4 settlements + 4 admissions, per op", copy, CALLS / 4, 8, (call) => [
          ...range(4).map((j) => settle(id(mixed + (call - 1) * 4 + j))),
          ...range(4).map((j) => admit(id(mixed + call * 4 + j))),
        ]);
        const eight = (next += CALLS * 8);
        await phase("8 admissions, per op", copy, CALLS / 4, 8, (call) => range(8).map((j) => admit(id(eight + call * 8 + j))));
        await phase("8 settlements, per op", copy, CALLS / 4, 8, (call) => range(8).map((j) => settle(id(eight + call * 8 + j))));
        next += CALLS * 8;
      }
    }
    console.log(`script time (µs), ${ROUNDS} rounds of ${CALLS} calls per phase: minimum, median`);
    for (const [label, xs] of times) {
      const sorted = [...xs].sort((a, b) => a - b);
      console.log(`${label.padEnd(64)} ${sorted[0].toFixed(1).padStart(7)} ${sorted[Math.floor(sorted.length / 2)].toFixed(1).padStart(7)}`);
    }
  } finally {
    redis.disconnect();
    server.kill("SIGTERM");
  }
}

await main();
