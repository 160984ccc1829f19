/**
 * Slow-client soak (not a test: it measures, then says what it saw). Usage:
 *
 *   npx tsx scripts/soak-slow-clients.ts [--duration=600] [--streams=200] [--rate=2048] [--sample=10]
 *
 * Starts a hub in a child process (its own PostgreSQL database on the machine's server, Redis
 * under a key prefix of its own, 127.0.0.1 only) and an Anthropic-speaking upstream on
 * loopback that writes as fast as backpressure lets it. Opens `streams` concurrent streamed
 * requests whose clients read `rate` bytes a second each for `duration` seconds, sampling the
 * hub's RSS (and heap, requests in flight, body bytes held) every `sample` seconds. Then the
 * upstream finishes every stream, the clients read the rest at full speed, and the script
 * checks that nothing leaked: no request in flight, no concurrent-session slot held in the
 * store, no body bytes held, RSS back near its start (after a GC).
 *
 * Backpressure is judged from both sides. The upstream counts the bytes it wrote and how often
 * a write had to wait for "drain": with slow clients its writes must be blocked nearly all the
 * time. What it wrote beyond what the clients read sits in socket buffers — the kernel's (on
 * Linux loopback they grow to tcp_rmem/tcp_wmem's maximum, tens of MiB) — or in the hub; the
 * hub's RSS must stay flat while that gap grows, and the gap must stay under the kernel's
 * bound for two hops.
 *
 * Why its own upstream instead of e2e/fake-upstream: the soak needs exact write accounting and
 * endless streams paced by backpressure only, which is no vendor behaviour worth sharing.
 */
import { fork, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";

const ADMIN_TOKEN = "soak-admin-token-0123456789";

interface Sample {
  t: number;
  rss: number;
  heapUsed: number;
  inFlight: number;
  bodyBytes: number;
  concurrentSessions: number;
}

// ------------------------------------------------------------------------------------------------
// Child: the hub under test
// ------------------------------------------------------------------------------------------------

async function runHub() {
  const { loadEnv } = await import("../server/env.ts");
  const { startHub } = await import("../server/hub.ts");
  const { createLogger } = await import("../server/logger.ts");
  const { hashApiKey } = await import("../server/auth/api-keys.ts");
  const { keyScope } = await import("../server/domain/quota/scopes.ts");
  const env = loadEnv(process.env);
  const hub = await startHub(env, { dashboard: false, logger: createLogger(env.LOG_LEVEL) });
  process.on("message", async (message: { type: string; key?: string; gc?: boolean }) => {
    if (message.type === "sample") {
      if (message.gc && typeof global.gc === "function") global.gc();
      // -1: the key is not served yet; -2: the store did not answer (the sample says so, the soak goes on).
      let concurrentSessions = -1;
      try {
        const key = message.key ? await hub.catalog.findKeyByHash(hashApiKey(message.key)) : null;
        if (key) {
          const [usage] = await hub.store.usage([keyScope(key, hub.catalog.settings(), Date.now()).spec], Date.now());
          concurrentSessions = usage?.concurrentSessions.used ?? -1;
        }
      } catch {
        concurrentSessions = -2;
      }
      const memory = process.memoryUsage();
      process.send!({ type: "sample", rss: memory.rss, heapUsed: memory.heapUsed, inFlight: hub.inFlight.size, bodyBytes: hub.bodyBudget.inUse, concurrentSessions });
    } else if (message.type === "stop") {
      await hub.close();
      process.exit(0);
    }
  });
  process.send!({ type: "ready", url: hub.url });
}

// ------------------------------------------------------------------------------------------------
// Parent: upstream, clients, measurements
// ------------------------------------------------------------------------------------------------

function arg(name: string, fallback: number): number {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit ? Number(hit.split("=")[1]) : fallback;
}

const MiB = 1024 * 1024;
const mib = (n: number) => `${(n / MiB).toFixed(1)} MiB`;

interface UpstreamStream {
  written: number;
  drainWaits: number;
  waiting: boolean;
  finish: () => void;
}

/** An Anthropic upstream whose streams run until told to finish, as fast as backpressure allows. */
function startUpstream() {
  const streams: UpstreamStream[] = [];
  let finishing = false;
  const delta = `event: content_block_delta\ndata: ${JSON.stringify({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "lorem ipsum dolor sit amet ".repeat(38) } })}\n\n`;
  const server = http.createServer((req, res) => {
    req.resume();
    if (req.method !== "POST" || !req.url?.endsWith("/v1/messages")) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream" });
    const stream: UpstreamStream = { written: 0, drainWaits: 0, waiting: false, finish: () => undefined };
    streams.push(stream);
    const write = (text: string) => {
      stream.written += Buffer.byteLength(text);
      return res.write(text);
    };
    write(`event: message_start\ndata: ${JSON.stringify({ type: "message_start", message: { id: "msg_soak", type: "message", role: "assistant", model: "claude-sonnet-4-5", content: [], stop_reason: null, usage: { input_tokens: 100, output_tokens: 1 } } })}\n\n`);
    write(`event: content_block_start\ndata: ${JSON.stringify({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } })}\n\n`);
    let done = false;
    const end = () => {
      if (done) return;
      done = true;
      write(`event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n`);
      write(`event: message_delta\ndata: ${JSON.stringify({ type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { output_tokens: 1000 } })}\n\n`);
      write(`event: message_stop\ndata: {"type":"message_stop"}\n\n`);
      res.end();
    };
    stream.finish = () => {
      if (!stream.waiting) end();
    };
    const pump = () => {
      stream.waiting = false;
      while (!finishing && !res.destroyed) {
        if (!write(delta)) {
          stream.drainWaits++;
          stream.waiting = true;
          res.once("drain", pump);
          return;
        }
      }
      if (finishing && !res.destroyed) end();
    };
    res.on("close", () => (done = true));
    pump();
  });
  return {
    streams,
    listen: () => new Promise<string>((resolve) => server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`))),
    finishAll() {
      finishing = true;
      for (const s of streams) s.finish();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

interface Client {
  read: number;
  ended: boolean;
  failed?: string;
  fast: () => void;
  done: Promise<void>;
}

/** One streamed request whose reader takes `rate` bytes a second until told to hurry. */
function slowClient(hubUrl: string, key: string, rate: number): Client {
  const url = new URL(hubUrl);
  let fast = false;
  let resumeNow: (() => void) | undefined;
  const client: Client = { read: 0, ended: false, fast: () => undefined, done: Promise.resolve() };
  client.done = new Promise<void>((resolve) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: "POST",
        path: "/v1/messages",
        // Each stream is its own Claude Code session: one concurrent-session slot each.
        headers: { "content-type": "application/json", "x-api-key": key, "x-claude-code-session-id": randomUUID() },
      },
      (res) => {
        if (res.statusCode !== 200) client.failed = `status ${res.statusCode}`;
        res.on("data", (chunk: Buffer) => {
          client.read += chunk.length;
          if (fast) return;
          res.pause();
          const timer = setTimeout(() => {
            resumeNow = undefined;
            res.resume();
          }, (chunk.length / rate) * 1000);
          resumeNow = () => {
            clearTimeout(timer);
            res.resume();
          };
        });
        res.on("end", () => {
          client.ended = true;
          resolve();
        });
        res.on("error", (error) => {
          client.failed = error.message;
          resolve();
        });
      },
    );
    req.on("error", (error) => {
      client.failed = error.message;
      resolve();
    });
    req.end(JSON.stringify({ model: "claude-sonnet-4-5", max_tokens: 64000, stream: true, messages: [{ role: "user", content: "Write forever." }] }));
  });
  client.fast = () => {
    fast = true;
    resumeNow?.();
  };
  return client;
}

/** The largest a TCP socket buffer may grow to (Linux; 4 MiB where unknown). */
function tcpMaxBuffer(name: "tcp_rmem" | "tcp_wmem"): number {
  try {
    return Number(readFileSync(`/proc/sys/net/ipv4/${name}`, "utf8").trim().split(/\s+/)[2]) || 4 * MiB;
  } catch {
    return 4 * MiB;
  }
}

/** Removes what the hub left in Redis under its prefix (windows and counters with long TTLs). */
async function dropRedisKeys(url: string, prefix: string) {
  const { Redis } = await import("ioredis");
  const redis = new Redis(url);
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}

async function createDatabase(name: string) {
  const { withAdmin, urlFor } = await import("../test-support/databases.ts");
  await withAdmin(async (c) => void (await c.query(`CREATE DATABASE "${name}"`)));
  return {
    url: urlFor(name),
    drop: () => withAdmin(async (c) => void (await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`))),
  };
}

async function main() {
  const durationS = arg("duration", 600);
  const streamCount = arg("streams", 200);
  const rate = arg("rate", 2048);
  const sampleS = arg("sample", 10);
  const { TEST_REDIS_URL } = await import("../test-support/databases.ts");

  const database = await createDatabase(`hub_soak_${process.pid}`);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "cch-soak-"));
  const upstream = startUpstream();
  const upstreamUrl = await upstream.listen();
  let child: ChildProcess | undefined;
  try {
    child = fork(import.meta.filename, ["--role=hub"], {
      execArgv: ["--import", "tsx", "--expose-gc"],
      stdio: ["ignore", "ignore", "inherit", "ipc"],
      env: {
        PATH: process.env.PATH,
        NODE_ENV: "production",
        APP_PORT: "0",
        APP_HOST: "127.0.0.1",
        DSN: database.url,
        REDIS_URL: TEST_REDIS_URL,
        REDIS_KEY_PREFIX: `soak:${process.pid}:`,
        ADMIN_TOKEN,
        ENCRYPTION_KEY: "0".repeat(64),
        DATA_DIR: dataDir,
        LOG_LEVEL: "error",
        ENABLE_SECURE_COOKIES: "false",
        SHUTDOWN_GRACE_MS: "2000",
      },
    });
    const hub = child;
    const pending: Array<(s: Sample) => void> = [];
    const ready = new Promise<string>((resolve, reject) => {
      hub.on("message", (m: { type: string; url?: string } & Omit<Sample, "t">) => {
        if (m.type === "ready") resolve(m.url!);
        if (m.type === "sample") pending.shift()?.({ ...m, t: 0 });
      });
      hub.once("exit", (code) => reject(new Error(`the hub exited with ${code}`)));
    });
    const hubUrl = await ready;
    const started = Date.now();
    let plainKey = "";
    const sample = (gc = false) =>
      new Promise<Sample>((resolve) => {
        pending.push((s) => resolve({ ...s, t: Math.round((Date.now() - started) / 1000) }));
        hub.send({ type: "sample", key: plainKey, gc });
      });

    // Tenant: a key with a concurrent-session limit, so the store really holds a slot per stream.
    const admin = async <T>(p: string, body: unknown): Promise<T> => {
      const res = await fetch(`${hubUrl}/api/actions/${p}`, { method: "POST", headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" }, body: JSON.stringify(body) });
      if (!res.ok) throw new Error(`${p}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    };
    const user = await admin<{ id: number }>("users/create", { name: "soak" });
    const key = await admin<{ key: string }>("keys/create", { userId: user.id, name: "soak", limitConcurrentSessions: streamCount * 5 });
    await admin("providers/create", { name: "soak-upstream", url: upstreamUrl, key: "sk-soak", providerType: "claude" });
    plainKey = key.key;
    // Wait until the catalog serves the new key (it refreshes on change).
    while ((await sample()).concurrentSessions < 0) await new Promise((r) => setTimeout(r, 200));

    const baseline = await sample(true);
    console.log(`hub ${hubUrl}, upstream ${upstreamUrl}; ${streamCount} streams, clients read ${rate} B/s each, ${durationS} s`);
    console.log(`baseline: rss ${mib(baseline.rss)}, heap ${mib(baseline.heapUsed)}`);
    console.log("   t(s)   rss(MiB)  heap(MiB)  inFlight  sessions  upstream-written  client-read  waiting-on-drain");

    const clients = Array.from({ length: streamCount }, () => slowClient(hubUrl, plainKey, rate));
    const samples: Array<Sample & { written: number; read: number }> = [];
    const totals = () => ({ written: upstream.streams.reduce((n, x) => n + x.written, 0), read: clients.reduce((n, c) => n + c.read, 0) });
    const line = (s: Sample) => {
      const { written, read } = totals();
      const waiting = upstream.streams.filter((x) => x.waiting).length;
      console.log(
        `${String(s.t).padStart(7)} ${(s.rss / MiB).toFixed(1).padStart(10)} ${(s.heapUsed / MiB).toFixed(1).padStart(10)} ${String(s.inFlight).padStart(9)} ${String(s.concurrentSessions).padStart(9)} ${mib(written).padStart(17)} ${mib(read).padStart(12)} ${String(waiting).padStart(17)}`,
      );
    };
    const end = started + durationS * 1000;
    while (Date.now() < end) {
      await new Promise((r) => setTimeout(r, Math.min(sampleS * 1000, Math.max(0, end - Date.now()))));
      const s = await sample();
      samples.push({ ...s, ...totals() });
      line(s);
    }

    // Backpressure, judged while the clients are still slow: once the socket buffers are full,
    // the upstream writes only what the clients take.
    const total = totals();
    const maxGap = Math.max(...upstream.streams.map((s, i) => s.written - (clients[i]?.read ?? 0)));
    const gap = total.written - total.read;
    const socketBound = streamCount * 2 * (tcpMaxBuffer("tcp_rmem") + tcpMaxBuffer("tcp_wmem"));
    const drainWaits = upstream.streams.reduce((n, s) => n + s.drainWaits, 0);
    const waitingAtEnd = upstream.streams.filter((s) => s.waiting).length;

    // The end: the upstream finishes, the clients read the rest at full speed.
    upstream.finishAll();
    for (const c of clients) c.fast();
    await Promise.all(clients.map((c) => c.done));
    let after = await sample();
    while (after.inFlight > 0 || after.concurrentSessions !== 0 || after.bodyBytes > 0) {
      await new Promise((r) => setTimeout(r, 200));
      after = await sample();
    }
    // Let allocator and GC settle, then take the lowest of a few readings.
    let settled = after;
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 2000));
      const s = await sample(true);
      if (s.rss < settled.rss) settled = s;
    }
    const peak = samples.reduce((m, s) => Math.max(m, s.rss), baseline.rss);
    const failed = clients.filter((c) => c.failed || !c.ended);

    console.log("");
    console.log(`streams: ${streamCount}, ended normally: ${streamCount - failed.length}${failed.length ? `, failed: ${failed.length} (${failed[0].failed})` : ""}`);
    console.log(`upstream writes that waited for drain: ${drainWaits}; streams blocked at the end of the slow phase: ${waitingAtEnd}/${upstream.streams.length}`);
    console.log(`largest gap upstream-written minus client-read in one stream: ${mib(maxGap)} (socket buffers of two loopback hops)`);
    console.log(`all streams: upstream wrote ${mib(total.written)}, clients read ${mib(total.read)}; gap ${mib(gap)} (kernel bound for two hops: ${mib(socketBound)})`);
    console.log(`rss: baseline ${mib(baseline.rss)}, peak ${mib(peak)}, after ${mib(settled.rss)} (heap ${mib(baseline.heapUsed)} → ${mib(settled.heapUsed)})`);
    console.log(`after the streams: in flight ${after.inFlight}, store session slots ${after.concurrentSessions}, body bytes held ${after.bodyBytes}`);
    const checks = [
      ["every stream ended", failed.length === 0],
      ["the upstream was held back (writes waited for drain)", drainWaits > 0 && waitingAtEnd > streamCount / 2],
      // Per stream the hub may hold its commit-point buffer (256 KiB) and a socket's worth of queued writes.
      ["the bytes the clients did not take stayed out of the hub (rss peak within 1 MiB a stream of its baseline)", peak - baseline.rss <= streamCount * MiB],
      ["the bytes written beyond what was read stayed under the socket buffers' bound", gap <= socketBound],
      ["nothing in flight, no store slot, no body bytes", after.inFlight === 0 && after.concurrentSessions === 0 && after.bodyBytes === 0],
      ["rss back within 64 MiB of its baseline", settled.rss - baseline.rss <= 64 * MiB],
    ] as const;
    for (const [what, ok] of checks) console.log(`${ok ? "PASS" : "FAIL"}  ${what}`);
    process.exitCode = checks.every(([, ok]) => ok) ? 0 : 1;
  } finally {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once("exit", r));
      child.send({ type: "stop" });
      await exited;
    }
    await upstream.close();
    await database.drop();
    await dropRedisKeys(TEST_REDIS_URL, `soak:${process.pid}:`);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv.includes("--role=hub")) {
  runHub().catch((error) => {
    console.error(error);
    process.exit(1);
  });
} else {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
