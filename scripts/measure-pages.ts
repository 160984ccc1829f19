/**
 * Times the procedures behind the dashboard pages against a running hub, over its REST mirror on
 * loopback (decision 0021 reports the numbers for 1 000 000 seeded rows, scripts/seed-logs.ts).
 *
 *   HUB_URL=http://127.0.0.1:18790 ADMIN_TOKEN=… node --import tsx scripts/measure-pages.ts [runs]
 *
 * Each call runs once to warm up, then `runs` times; it prints the median and the worst, in ms.
 * The time includes the HTTP round trip on loopback (under a millisecond), so it bounds the
 * server time from above. On a shared machine wall time mostly measures the wait for a CPU, so
 * with HUB_PID (the hub's process id, Linux) it also prints the hub's CPU time per call (from
 * /proc, 10 ms ticks averaged over the runs).
 */
import { readFileSync } from "node:fs";
const URL_BASE = process.env.HUB_URL ?? "http://127.0.0.1:18790";
const TOKEN = process.env.ADMIN_TOKEN ?? "";
const RUNS = Number(process.argv[2] ?? 7);
const HUB_PID = process.env.HUB_PID;
const TICK_MS = 10; // USER_HZ = 100 on Linux

/** utime + stime of a process, ms. */
function cpuOf(pid: string): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0;
  }
}

async function call(path: string, body: unknown): Promise<number> {
  const started = performance.now();
  const res = await fetch(`${URL_BASE}/api/actions/${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  await res.text();
  if (!res.ok) throw new Error(`${path} ${JSON.stringify(body)} → ${res.status}`);
  return performance.now() - started;
}

async function main() {
  const opts = (await fetch(`${URL_BASE}/api/actions/logs/filterOptions`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, body: "{}" }).then((r) => r.json())) as {
    users: Array<{ id: number }>;
    providers: Array<{ id: number }>;
    models: string[];
  };
  const userId = opts.users[0]?.id ?? 1;
  const providerId = opts.providers[0]?.id ?? 1;
  const model = opts.models[0] ?? "claude-sonnet-4-5";
  const from = new Date(Date.now() - 7 * 86_400_000).toISOString();
  const cases: Array<[string, string, unknown]> = [
    ["logs page, no filter", "logs/list", {}],
    ["logs page, user", "logs/list", { userId }],
    ["logs page, provider", "logs/list", { providerId }],
    ["logs page, model", "logs/list", { model }],
    ["logs page, status 502", "logs/list", { statusCode: 502 }],
    ["logs page, user + model + status", "logs/list", { userId, model, statusCode: 200 }],
    ["logs page, provider + status 502 + 7 days", "logs/list", { providerId, statusCode: 502, from }],
    ["logs page, user + provider + model + status + 7 days", "logs/list", { userId, providerId, model, statusCode: 200, from }],
    ["logs page, status 404 (no rows)", "logs/list", { statusCode: 404 }],
    ["overview today", "overview/get", { span: "today" }],
    ["overview 7 days by provider", "overview/get", { span: "7d", split: "provider" }],
    ["overview 30 days by model", "overview/get", { span: "30d", split: "model" }],
    ["leaderboard users today", "leaderboard/get", { dimension: "user", period: "today" }],
    ["leaderboard keys this month", "leaderboard/get", { dimension: "key", period: "month" }],
    ["leaderboard models, custom 30 days", "leaderboard/get", { dimension: "model", period: "custom", fromDay: from.slice(0, 10), toDay: new Date().toISOString().slice(0, 10), sortBy: "cacheHit" }],
    ["availability providers 1 h (log)", "availability/get", { dimension: "provider", span: "1h" }],
    ["availability providers 24 h", "availability/get", { dimension: "provider", span: "24h" }],
    ["availability providers 7 days", "availability/get", { dimension: "provider", span: "7d" }],
    ["availability models 7 days", "availability/get", { dimension: "model", span: "7d" }],
    ["availability breakers", "availability/breakers", {}],
    ["sessions active", "sessions/list", { scope: "active" }],
    ["sessions last 24 h", "sessions/list", { scope: "recent" }],
    ["sessions distribution", "sessions/distribution", {}],
  ];
  console.log(`| page / procedure | median ms | worst ms |${HUB_PID ? " hub CPU ms/call |" : ""}\n| --- | ---: | ---: |${HUB_PID ? " ---: |" : ""}`);
  for (const [label, path, body] of cases) {
    await call(path, body);
    const times: number[] = [];
    const hub0 = HUB_PID ? cpuOf(HUB_PID) : 0;
    for (let i = 0; i < RUNS; i++) times.push(await call(path, body));
    const cpu = HUB_PID ? ` ${((cpuOf(HUB_PID) - hub0) / RUNS).toFixed(0)} |` : "";
    times.sort((a, b) => a - b);
    console.log(`| ${label} | ${times[Math.floor(times.length / 2)]!.toFixed(0)} | ${times[times.length - 1]!.toFixed(0)} |${cpu}`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
