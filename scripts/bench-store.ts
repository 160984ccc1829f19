/**
 * What the admission core costs inside Redis (issue 7; decision 0024, "Fewer commands inside the
 * script"):
 *   node --import tsx scripts/bench-store.ts [seconds per round] [rounds] [concurrencies, e.g. 4,32,1]
 *
 * Drives RedisStore directly with the shape of ../shared/bench's hub: a key, its user and one
 * provider, each with money limits on the 5-hour, daily and monthly windows (never reached), one
 * Claude Code session bound to the provider; for each concurrency (default 4, 32 and 1), that many loops each admit a
 * request, wait BENCH_UPSTREAM_MS (default 1 ms, the mock upstream's answer), then settle it with
 * a success, its cost and the session binding — as the gateway's admit and settle steps do.
 *
 * BENCH_WORK_US sets the hub's own work per request (below).
 *
 * Reported per request, from a dedicated redis-server this script starts on BENCH_REDIS_PORT
 * (default 6391, no persistence) and stops at the end, so no other client adds noise:
 *   - script calls the hub sends (EVALSHA), and operations per call;
 *   - commands run inside Redis, the scripts' own redis.call included (INFO commandstats,
 *     read before and after each round, the INFO calls themselves left out), with the five
 *     most frequent;
 *   - Redis CPU (INFO cpu: used_cpu_sys + used_cpu_user), and this process's CPU.
 * Set BENCH_REDIS_URL to measure an already running Redis instead (others' commands then count).
 * CPU figures move with the machine's load: compare rows of one run.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { Redis } from "ioredis";
import { buildScope } from "../server/domain/quota/scopes.ts";
import type { Limits } from "../server/catalog/types.ts";
import type { AdmitRequest, BreakerConfig, SettleRequest } from "../server/store/admission.ts";
import { createLogger } from "../server/logger.ts";
import { RedisStore } from "../server/store/redis-store.ts";

const SECONDS = Number(process.argv[2] ?? 10);
const ROUNDS = Number(process.argv[3] ?? 3);
/**
 * The loops of a driver that does nothing else resolve together, so their operations share a
 * turn: at c=4 a script call carries 4 operations, as the gateway's did under the shared bench
 * (0.26–0.52 calls per request); c=32 gives calls of ~30 operations, c=1 one each.
 */
const CONCURRENCIES = (process.argv[4] ?? "4,32,1").split(",").map(Number);
const UPSTREAM_MS = Number(process.env.BENCH_UPSTREAM_MS ?? 1);
/**
 * The hub's own CPU per request, spent synchronously (half before the admission, half before the
 * settlement) so that a turn of the event loop holds about as many store operations as in the
 * gateway under the shared bench (decision 0024: 2.5–8 per script call); 0 = none.
 */
const WORK_US = Number(process.env.BENCH_WORK_US ?? 200);
const PORT = Number(process.env.BENCH_REDIS_PORT ?? 6391);
const REDIS_URL = process.env.BENCH_REDIS_URL ?? `redis://127.0.0.1:${PORT}`;

const USD = 1_000_000_000;
const TIME_ZONE = "UTC";

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

// Limits far above what a round spends: every request is admitted, as in the gateway bench.
const KEY_LIMITS = moneyLimits(100_000, 200_000, 1_000_000);
const USER_LIMITS = moneyLimits(100_000, 200_000, 1_000_000);
const PROVIDER_LIMITS = moneyLimits(1_000_000, 2_000_000, 10_000_000);
const BREAKER: BreakerConfig = {
  failureThreshold: 5,
  openDurationMs: 30_000,
  halfOpenSuccessThreshold: 2,
  halfOpenMaxProbes: 1,
};
const PROVIDER_ID = 1;
const SESSION = {
  id: "8f14e45f-ceea-467e-a1b2-0c0ffee00001",
  bindingKey: "1:8f14e45f-ceea-467e-a1b2-0c0ffee00001",
};
/** A typical request: ~3 k prompt tokens and a few hundred output tokens of a Sonnet-class model. */
const ESTIMATE_NANO = 20_000_000;
const COST_NANO = 15_000_000;
const HOLD_MS = 10 * 60_000;
const SESSION_TTL_MS = 300_000;

/** The scopes as the gateway builds them (server/domain/quota/scopes.ts), reused until a window ends. */
function scopes(now: number) {
  return {
    key: buildScope("k:1", KEY_LIMITS, TIME_ZONE, now).spec,
    user: buildScope("u:1", USER_LIMITS, TIME_ZONE, now).spec,
    provider: buildScope(`p:${PROVIDER_ID}`, PROVIDER_LIMITS, TIME_ZONE, now).spec,
  };
}

function admitRequest(requestId: string, now: number): AdmitRequest {
  const s = scopes(now);
  return {
    requestId,
    now,
    scopes: [s.key, s.user],
    estimateNano: ESTIMATE_NANO,
    session: SESSION,
    candidates: [
      {
        providerId: PROVIDER_ID,
        priority: 0,
        reclaimSessions: false,
        disableSessionReuse: false,
        breaker: BREAKER,
        limits: s.provider,
      },
    ],
    enforce: true,
    holdMs: HOLD_MS,
    passthrough: false,
  };
}

function settleRequest(requestId: string, now: number, admittedAt: number): SettleRequest {
  const s = scopes(now);
  return {
    requestId,
    now,
    admittedAt,
    costNano: COST_NANO,
    providerId: PROVIDER_ID,
    breaker: "success",
    breakerConfig: BREAKER,
    bind: {
      bindingKey: SESSION.bindingKey,
      providerId: PROVIDER_ID,
      ttlMs: SESSION_TTL_MS,
    },
    scopes: [s.key, s.user, s.provider],
  };
}

interface RedisCounters {
  commands: Map<string, number>;
  /** Microseconds spent in each command (a script's time includes its own commands'). */
  usec: Map<string, number>;
  cpuSeconds: number;
}

async function readCounters(redis: Redis): Promise<RedisCounters> {
  const stats = await redis.info("commandstats");
  const commands = new Map<string, number>();
  const usec = new Map<string, number>();
  for (const match of stats.matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm)) {
    commands.set(match[1], Number(match[2]));
    usec.set(match[1], Number(match[3]));
  }
  const cpu = await redis.info("cpu");
  const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, "m").exec(cpu)?.[1] ?? 0);
  return {
    commands,
    usec,
    cpuSeconds: field("used_cpu_sys") + field("used_cpu_user"),
  };
}

function busy(us: number) {
  const until = process.hrtime.bigint() + BigInt(Math.round(us * 1000));
  while (process.hrtime.bigint() < until) {
    // the hub's own work for a request (parsing, pricing, logging)
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function startRedis(): Promise<ChildProcess | undefined> {
  if (process.env.BENCH_REDIS_URL) return undefined;
  const child = spawn("redis-server", ["--port", String(PORT), "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  const probe = new Redis(REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on("error", () => undefined); // refused until the server listens: retried below
  for (let attempt = 0; ; attempt++) {
    try {
      await probe.connect();
      await probe.ping();
      probe.disconnect();
      return child;
    } catch (error) {
      if (attempt > 50) throw error;
      await sleep(100);
    }
  }
}

interface Round {
  requests: number;
  evalsha: number;
  ops: number;
  commands: number;
  top: Array<[string, number]>;
  redisCpuMs: number;
  /** Time inside the script calls (µs), and the part of it spent in the commands they ran. */
  scriptUs: number;
  commandUs: number;
  nodeCpuMs: number;
}

async function round(store: RedisStore, admin: Redis, index: number, concurrency: number): Promise<Round> {
  let requests = 0;
  let refused = 0;
  let stop = false;
  const loop = async (worker: number) => {
    for (let i = 0; !stop; i++) {
      const id = `r${index}-${worker}-${i}`;
      busy(WORK_US / 2);
      const admittedAt = Date.now();
      const admitted = await store.admit(admitRequest(id, admittedAt));
      if (admitted.status !== "admitted") refused++;
      if (UPSTREAM_MS > 0) await sleep(UPSTREAM_MS);
      busy(WORK_US / 2);
      await store.settle(settleRequest(id, Date.now(), admittedAt));
      requests++;
    }
  };
  const before = await readCounters(admin);
  const nodeBefore = process.cpuUsage();
  const loops = Array.from({ length: concurrency }, (_, w) => loop(w));
  await sleep(SECONDS * 1000);
  stop = true;
  await Promise.all(loops);
  const nodeCpu = process.cpuUsage(nodeBefore);
  const after = await readCounters(admin);
  if (refused > 0) throw new Error(`${refused} admissions were refused: the bench's limits are meant never to be reached`);

  const delta = new Map<string, number>();
  for (const [name, calls] of after.commands) {
    // The INFO calls of the two readings (and of readCounters itself) are the bench's, not the hub's.
    if (name === "info") continue;
    const d = calls - (before.commands.get(name) ?? 0);
    if (d > 0) delta.set(name, d);
  }
  const commands = [...delta.values()].reduce((a, b) => a + b, 0);
  const usec = (name: string) => (after.usec.get(name) ?? 0) - (before.usec.get(name) ?? 0);
  const scriptUs = usec("evalsha") + usec("eval");
  const commandUs = [...delta.keys()].filter((name) => name !== "evalsha" && name !== "eval").reduce((sum, name) => sum + usec(name), 0);
  const evalsha = (delta.get("evalsha") ?? 0) + (delta.get("eval") ?? 0);
  return {
    requests,
    evalsha,
    ops: requests * 2,
    commands,
    top: [...delta].sort((a, b) => b[1] - a[1]).slice(0, 6),
    redisCpuMs: (after.cpuSeconds - before.cpuSeconds) * 1000,
    scriptUs,
    commandUs,
    nodeCpuMs: (nodeCpu.user + nodeCpu.system) / 1000,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const f = (x: number, digits = 2) => x.toFixed(digits);

async function main() {
  const server = await startRedis();
  const admin = new Redis(REDIS_URL);
  const keyPrefix = `bench:${process.pid}:`;
  const store = new RedisStore({
    url: REDIS_URL,
    keyPrefix,
    logger: createLogger("silent"),
  });
  try {
    if (!(await store.ready(5000))) throw new Error(`no Redis at ${REDIS_URL}`);
    // Counters start trusted and empty, as after the hydration of a new key.
    const s = scopes(Date.now());
    for (const spec of [s.key, s.user, s.provider]) await store.hydrate(spec, { signature: spec.signature, buckets: {}, fixed: {} }, Date.now());
    // Warm-up: scripts loaded, JIT warm.
    await round(store, admin, -1, 8);
    for (const concurrency of CONCURRENCIES) await report(store, admin, concurrency);
  } finally {
    await store.close();
    const keys = await admin.keys(`${keyPrefix}*`);
    for (let i = 0; i < keys.length; i += 500) await admin.del(...keys.slice(i, i + 500));
    admin.disconnect();
    if (server?.pid) process.kill(server.pid, "SIGTERM");
  }
}

async function report(store: RedisStore, admin: Redis, concurrency: number) {
  console.log(`\nc=${concurrency}, ${SECONDS} s per round, upstream ${UPSTREAM_MS} ms, hub work ${WORK_US} µs per request, Redis ${REDIS_URL}`);
  console.log("round  requests  EVALSHA/req  ops/call  commands/req  Redis CPU ms/req  in scripts µs/req (commands)  node CPU ms/req  most frequent commands (per request)");
  const rounds: Round[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const r = await round(store, admin, concurrency * 1000 + i, concurrency);
    rounds.push(r);
    const top = r.top.map(([name, calls]) => `${name} ${f(calls / r.requests)}`).join(", ");
    console.log(
      `${String(i + 1).padStart(5)}  ${String(r.requests).padStart(8)}  ${f(r.evalsha / r.requests, 3).padStart(11)}  ${f(r.ops / r.evalsha).padStart(8)}  ${f(
        r.commands / r.requests
      ).padStart(12)}  ${f(r.redisCpuMs / r.requests, 4).padStart(16)}  ${`${f(r.scriptUs / r.requests, 1)} (${f(r.commandUs / r.requests, 1)})`.padStart(28)}  ${f(
        r.nodeCpuMs / r.requests,
        4
      ).padStart(15)}  ${top}`
    );
  }
  const m = (pick: (r: Round) => number) => median(rounds.map(pick));
  console.log(
    `median        EVALSHA/req ${f(
      m((r) => r.evalsha / r.requests),
      3
    )}, commands/req ${f(m((r) => r.commands / r.requests))}, Redis CPU ${f(
      m((r) => r.redisCpuMs / r.requests),
      4
    )} ms/req, in scripts ${f(
      m((r) => r.scriptUs / r.requests),
      1
    )} µs/req (commands ${f(
      m((r) => r.commandUs / r.requests),
      1
    )}), node CPU ${f(
      m((r) => r.nodeCpuMs / r.requests),
      4
    )} ms/req`
  );
}

await main();
