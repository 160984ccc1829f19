/**
 * The dispatcher against a local receiver for each target type, a real PostgreSQL (targets,
 * delivery log, the claims' fallback) and both stores: the exact payload and signature each
 * service expects, retries with bounded backoff (an injected sleep, so no waiting), a target
 * that never answers, rate limiting of a flapping provider, and two dispatchers (two hub
 * instances) sending one notification once.
 */
import { createHmac } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, TEST_REDIS_URL, type TestDatabase } from "../../test-support/databases.ts";
import { startReceiver, type Receiver } from "../../test-support/notification-receiver.ts";
import { SecretBox } from "../auth/secrets.ts";
import type { Catalog } from "../catalog/catalog.ts";
import { openDatabase, type Database } from "../db/database.ts";
import { createLogger } from "../logger.ts";
import { MemoryStore } from "../store/memory-store.ts";
import { RedisStore } from "../store/redis-store.ts";
import type { Store } from "../store/store.ts";
import type { NotificationEvent } from "./events.ts";
import { Notifications } from "./notifications.ts";
import { sealConfig } from "./target-config.ts";

const NOW = Date.parse("2026-12-07T10:00:00.000Z");
const OPEN_UNTIL = Date.parse("2026-12-07T10:30:00.000Z");
const logger = createLogger("silent");
const box = new SecretBox(Buffer.alloc(32, 7));
const catalog = { providers: () => [], provider: () => undefined, settings: () => ({ timezone: "UTC" }) } as unknown as Catalog;

let database: TestDatabase;
let db: Database;
let receiver: Receiver;
const running: Notifications[] = [];
const stores: Store[] = [];

beforeAll(async () => {
  database = await createTestDatabase("notify");
  db = await openDatabase({ databaseUrl: database.url, dataDir: "unused", logger });
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((n) => n.stop()));
  await Promise.all(stores.splice(0).map((s) => s.close()));
  await receiver?.close();
  await db.prisma.notificationTarget.deleteMany();
  await db.prisma.notificationLock.deleteMany();
  await db.prisma.notificationSettings.update({ where: { id: 1 }, data: { cooldownMinutes: 10, maxPerHour: 30, language: "en" } });
});
afterAll(async () => {
  await db?.close();
  await database?.drop();
});

function memoryStore(): Store {
  const store = new MemoryStore();
  stores.push(store);
  return store;
}

const connecting = new Set<Store>();

function redisStore(prefix: string): Store {
  const store = new RedisStore({ url: TEST_REDIS_URL, keyPrefix: prefix, logger });
  stores.push(store);
  connecting.add(store);
  return store;
}

/**
 * The Redis store refuses commands until its connection is up (no offline queue), and a refused
 * claim falls back to the database: a test that emits before the connection is ready would see
 * claims taken in both places. Wait for it, as a hub's readiness check does.
 */
async function connected(store: Store): Promise<void> {
  if (!connecting.has(store)) return;
  for (let i = 0; ; i++) {
    try {
      await store.ping();
      connecting.delete(store);
      return;
    } catch (error) {
      if (i >= 100) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

// A generous timeout per attempt: on a loaded machine a 300 ms one made a slow but healthy
// receiver look dead (a retry, and two requests where one was sent). The test of a target
// that never answers passes its own short one.
async function start(store: Store, timeoutMs = 5_000) {
  await connected(store);
  const sleeps: number[] = [];
  const n = new Notifications({
    db: db.prisma,
    secrets: box,
    store,
    catalog,
    logger,
    now: () => NOW,
    pingDatabase: async () => undefined,
    sleep: async (ms) => void sleeps.push(ms),
    timeoutMs,
    instance: "test",
  });
  running.push(n);
  await n.start();
  return { n, sleeps };
}

async function target(type: string, config: Record<string, unknown>, events = ["provider.breaker_opened"]) {
  return db.prisma.notificationTarget.create({ data: { name: `${type} target`, type, events, config: sealConfig(config, box) } });
}

function opened(providerId = 7, openUntil = OPEN_UNTIL): NotificationEvent {
  return {
    name: "provider.breaker_opened",
    key: `breaker_opened:${providerId}:${openUntil}`,
    subject: `provider:${providerId}`,
    at: NOW,
    data: { providerId, provider: "alpha", failures: 5, openUntil: new Date(openUntil).toISOString() },
  };
}

const TITLE = "Provider alpha: circuit breaker opened";
const LINE = "5 counted failures; requests skip this provider until 2026-12-07T10:30:00.000Z.";

async function deliveries(targetId: number) {
  return db.prisma.notificationDelivery.findMany({ where: { targetId }, orderBy: { id: "asc" } });
}

async function emitAndWait(n: Notifications, event: NotificationEvent) {
  n.emit(event);
  await n.dispatcher.idle();
}

describe("the payload each service expects", () => {
  it("WeCom robot: a markdown message to the robot's URL", async () => {
    receiver = await startReceiver();
    await target("wecom", { url: `${receiver.url}/cgi-bin/webhook/send?key=wecom-key-1234` });
    const { n } = await start(memoryStore());
    await emitAndWait(n, opened());
    expect(receiver.requests).toHaveLength(1);
    const [req] = receiver.requests;
    expect(req.method).toBe("POST");
    expect(req.url).toBe("/cgi-bin/webhook/send?key=wecom-key-1234");
    expect(req.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(req.body)).toEqual({ msgtype: "markdown", markdown: { content: `**${TITLE}**\n\n${LINE}` } });
  });

  it("Feishu: text message signed with base64(HMAC-SHA256 keyed by '<seconds>\\n<secret>')", async () => {
    receiver = await startReceiver();
    receiver.answer({ status: 200, body: '{"code":0,"msg":"success","data":{}}' });
    await target("feishu", { url: `${receiver.url}/open-apis/bot/v2/hook/hook-id-1`, secret: "feishu-secret" });
    const { n } = await start(memoryStore());
    await emitAndWait(n, opened());
    const [req] = receiver.requests;
    expect(req.url).toBe("/open-apis/bot/v2/hook/hook-id-1");
    const seconds = String(NOW / 1000);
    const sign = createHmac("sha256", `${seconds}\nfeishu-secret`).digest("base64");
    expect(JSON.parse(req.body)).toEqual({ timestamp: seconds, sign, msg_type: "text", content: { text: `${TITLE}\n${LINE}` } });
    expect((await deliveries((await db.prisma.notificationTarget.findFirstOrThrow()).id))[0]).toMatchObject({ status: "sent", attempts: 1, httpStatus: 200 });
  });

  it("DingTalk: markdown message, timestamp and sign in the URL (HMAC-SHA256 keyed by the secret)", async () => {
    receiver = await startReceiver();
    await target("dingtalk", { url: `${receiver.url}/robot/send?access_token=ding-token`, secret: "SECding" });
    const { n } = await start(memoryStore());
    await emitAndWait(n, opened());
    const [req] = receiver.requests;
    const url = new URL(req.url, receiver.url);
    expect(url.pathname).toBe("/robot/send");
    expect(url.searchParams.get("access_token")).toBe("ding-token");
    expect(url.searchParams.get("timestamp")).toBe(String(NOW));
    expect(url.searchParams.get("sign")).toBe(createHmac("sha256", "SECding").update(`${NOW}\nSECding`).digest("base64"));
    // The sign is URL-encoded in the query (base64 has + / =).
    expect(req.url).toContain(`sign=${encodeURIComponent(url.searchParams.get("sign")!)}`.replace(/%20/g, "+"));
    expect(JSON.parse(req.body)).toEqual({ msgtype: "markdown", markdown: { title: TITLE, text: `**${TITLE}**\n\n${LINE}` } });
  });

  it("Telegram: sendMessage with the chat id, plain text", async () => {
    receiver = await startReceiver();
    receiver.answer({ status: 200, body: '{"ok":true,"result":{"message_id":1}}' });
    const token = "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ_abc";
    await target("telegram", { botToken: token, chatId: "-1001234", apiUrl: receiver.url });
    const { n } = await start(memoryStore());
    await emitAndWait(n, opened());
    const [req] = receiver.requests;
    expect(req.url).toBe(`/bot${token}/sendMessage`);
    expect(JSON.parse(req.body)).toEqual({ chat_id: "-1001234", text: `${TITLE}\n${LINE}`, disable_web_page_preview: true });
  });

  it("generic webhook: JSON body signed with HMAC-SHA256 over '<timestamp>.<raw body>'", async () => {
    receiver = await startReceiver();
    const secret = "webhook-secret-0123456789";
    await target("webhook", { url: `${receiver.url}/hooks/cch`, secret });
    const { n } = await start(memoryStore());
    await emitAndWait(n, opened());
    const [req] = receiver.requests;
    const timestamp = req.headers["x-cch-timestamp"] as string;
    expect(timestamp).toBe(String(NOW / 1000));
    expect(req.headers["x-cch-event"]).toBe("provider.breaker_opened");
    expect(req.headers["x-cch-delivery"]).toBe(`breaker_opened:7:${OPEN_UNTIL}`);
    expect(req.headers["x-cch-signature"]).toBe(`sha256=${createHmac("sha256", secret).update(`${timestamp}.${req.body}`).digest("hex")}`);
    expect(JSON.parse(req.body)).toEqual({
      event: "provider.breaker_opened",
      id: `breaker_opened:7:${OPEN_UNTIL}`,
      occurredAt: new Date(NOW).toISOString(),
      title: TITLE,
      text: `${TITLE}\n${LINE}`,
      data: { providerId: 7, provider: "alpha", failures: 5, openUntil: new Date(OPEN_UNTIL).toISOString() },
    });
  });

  it("messages in Chinese when the admin chose zh-CN", async () => {
    await db.prisma.notificationSettings.update({ where: { id: 1 }, data: { language: "zh-CN" } });
    receiver = await startReceiver();
    await target("wecom", { url: `${receiver.url}/send?key=k` });
    const { n } = await start(memoryStore());
    await emitAndWait(n, opened());
    expect(JSON.parse(receiver.requests[0].body).markdown.content).toContain("供应商 alpha：熔断器已打开");
  });

  it("a robot that answers 200 with an error code is a failed delivery, not retried", async () => {
    receiver = await startReceiver();
    receiver.answer({ status: 200, body: '{"errcode":93000,"errmsg":"invalid webhook url"}' });
    const t = await target("wecom", { url: `${receiver.url}/send?key=bad` });
    const { n, sleeps } = await start(memoryStore());
    await emitAndWait(n, opened());
    expect(receiver.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
    expect((await deliveries(t.id))[0]).toMatchObject({ status: "failed", attempts: 1, error: "errcode 93000: invalid webhook url" });
  });
});

describe("retries and failing targets", () => {
  it("retries a 500 with backoff 1 s, 4 s, 16 s and records the attempts", async () => {
    receiver = await startReceiver();
    receiver.answer({ status: 500, body: "oops" }, { status: 502, body: "" }, { status: 503, body: "" }, { status: 200, body: '{"errcode":0}' });
    const t = await target("wecom", { url: `${receiver.url}/send?key=k` });
    const { n, sleeps } = await start(memoryStore());
    await emitAndWait(n, opened());
    expect(receiver.requests).toHaveLength(4);
    expect(sleeps).toEqual([1000, 4000, 16000]);
    expect((await deliveries(t.id))[0]).toMatchObject({ status: "sent", attempts: 4, httpStatus: 200, error: null });
    expect(await db.prisma.notificationTarget.findUniqueOrThrow({ where: { id: t.id } })).toMatchObject({ lastStatus: "ok", consecutiveFailures: 0 });
  });

  it("gives up after 4 attempts and marks the target failing; the next success clears it", async () => {
    receiver = await startReceiver();
    receiver.answer({ status: 500, body: "down" });
    const t = await target("wecom", { url: `${receiver.url}/send?key=k` });
    const { n, sleeps } = await start(memoryStore());
    await emitAndWait(n, opened());
    expect(receiver.requests).toHaveLength(4);
    expect(sleeps).toEqual([1000, 4000, 16000]);
    expect((await deliveries(t.id))[0]).toMatchObject({ status: "failed", attempts: 4, httpStatus: 500, error: "HTTP 500" });
    expect(await db.prisma.notificationTarget.findUniqueOrThrow({ where: { id: t.id } })).toMatchObject({ lastStatus: "failed", lastError: "HTTP 500", consecutiveFailures: 1 });

    receiver.answer({ status: 200, body: '{"errcode":0}' });
    await emitAndWait(n, opened(8));
    expect(await db.prisma.notificationTarget.findUniqueOrThrow({ where: { id: t.id } })).toMatchObject({ lastStatus: "ok", lastError: null, consecutiveFailures: 0 });
  });

  it("does not retry a refused message (400)", async () => {
    receiver = await startReceiver();
    receiver.answer({ status: 400, body: "{}" });
    const t = await target("webhook", { url: `${receiver.url}/h`, secret: "webhook-secret-0123456789" });
    const { n, sleeps } = await start(memoryStore());
    await emitAndWait(n, opened());
    expect(receiver.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
    expect((await deliveries(t.id))[0]).toMatchObject({ status: "failed", attempts: 1, httpStatus: 400 });
  });

  it("a target that never answers: emit() returns at once, each attempt ends at its timeout", async () => {
    receiver = await startReceiver();
    receiver.answer("hang");
    const t = await target("wecom", { url: `${receiver.url}/send?key=k` });
    const { n } = await start(memoryStore(), 300);
    n.emit(opened());
    // emit only queued: nothing has been answered, yet the caller already has control back.
    expect(await deliveries(t.id)).toEqual([]);
    await n.dispatcher.idle();
    expect(receiver.requests).toHaveLength(4);
    expect((await deliveries(t.id))[0]).toMatchObject({ status: "failed", attempts: 4, httpStatus: null, error: "no answer within 300 ms" });
  });

  it("never records a token that the service echoes back", async () => {
    receiver = await startReceiver();
    const token = "123456:SECRETTOKENSECRETTOKEN_xyz";
    receiver.answer({ status: 401, body: `{"ok":false,"description":"Unauthorized bot ${token}"}` });
    const t = await target("telegram", { botToken: token, chatId: "42", apiUrl: receiver.url });
    const { n } = await start(memoryStore());
    await emitAndWait(n, opened());
    const [row] = await deliveries(t.id);
    expect(row.status).toBe("failed");
    expect(row.error).toContain("Unauthorized bot ****");
    expect(JSON.stringify(await db.prisma.notificationTarget.findUniqueOrThrow({ where: { id: t.id } }))).not.toContain("SECRETTOKEN");
  });
});

describe("rate limiting", () => {
  it("a flapping provider sends one message per cooldown; the rest are logged as rate limited", async () => {
    receiver = await startReceiver();
    const t = await target("wecom", { url: `${receiver.url}/send?key=k` }, ["provider.breaker_opened", "provider.breaker_closed"]);
    const { n } = await start(memoryStore());
    for (let i = 0; i < 100; i++) n.emit(opened(7, OPEN_UNTIL + i * 1000));
    await n.dispatcher.idle();
    expect(receiver.requests).toHaveLength(1);
    const rows = await deliveries(t.id);
    expect(rows.filter((r) => r.status === "sent")).toHaveLength(1);
    expect(rows.filter((r) => r.status === "rate_limited")).toHaveLength(99);
    // Another provider is another subject: not held back by the first one's cooldown.
    await emitAndWait(n, opened(8));
    expect(receiver.requests).toHaveLength(2);
  });

  it("at most maxPerHour messages per target, whatever the subjects", async () => {
    await db.prisma.notificationSettings.update({ where: { id: 1 }, data: { maxPerHour: 5 } });
    receiver = await startReceiver();
    await target("wecom", { url: `${receiver.url}/send?key=k` });
    const { n } = await start(memoryStore());
    for (let p = 1; p <= 12; p++) n.emit(opened(p));
    await n.dispatcher.idle();
    expect(receiver.requests).toHaveLength(5);
  });

  it("a cooldown of 0 minutes lets every distinct event through (up to the hourly cap), on Redis too", async () => {
    await db.prisma.notificationSettings.update({ where: { id: 1 }, data: { cooldownMinutes: 0, maxPerHour: 3 } });
    receiver = await startReceiver();
    await target("wecom", { url: `${receiver.url}/send?key=k` });
    const { n } = await start(redisStore(`test:notify-cool:${process.pid}:${Math.random().toString(36).slice(2)}:`));
    for (let i = 0; i < 5; i++) n.emit(opened(7, OPEN_UNTIL + i * 1000));
    await n.dispatcher.idle();
    expect(receiver.requests).toHaveLength(3);
  });

  it("a test message is never rate limited", async () => {
    await db.prisma.notificationSettings.update({ where: { id: 1 }, data: { maxPerHour: 1 } });
    receiver = await startReceiver();
    const t = await target("wecom", { url: `${receiver.url}/send?key=k` });
    const { n } = await start(memoryStore());
    await emitAndWait(n, opened(1));
    expect((await n.sendTest(t.id))?.status).toBe("sent");
    expect((await n.sendTest(t.id))?.status).toBe("sent");
    expect(receiver.requests).toHaveLength(3);
  });
});

describe.each([
  ["the memory store (one store shared by both dispatchers)", () => { const s = memoryStore(); return [s, s] as const; }],
  ["Redis (two connections, one key prefix)", () => { const prefix = `test:notify:${process.pid}:${Math.random().toString(36).slice(2)}:`; return [redisStore(prefix), redisStore(prefix)] as const; }],
])("two hub instances with %s", (_name, stores2) => {
  it("send each notification exactly once", async () => {
    receiver = await startReceiver();
    await target("wecom", { url: `${receiver.url}/send?key=k` });
    const [s1, s2] = stores2();
    const a = await start(s1);
    const b = await start(s2);
    for (let p = 1; p <= 5; p++) {
      a.n.emit(opened(p, OPEN_UNTIL + p * 60_000));
      b.n.emit(opened(p, OPEN_UNTIL + p * 60_000));
    }
    await Promise.all([a.n.dispatcher.idle(), b.n.dispatcher.idle()]);
    expect(receiver.requests).toHaveLength(5);
    expect(new Set(receiver.requests.map((r) => JSON.parse(r.body).markdown.content)).size).toBe(5);
  });
});

describe("when the store is unreachable", () => {
  it("the database takes the claims: a 'store unreachable' notice still goes out once", async () => {
    receiver = await startReceiver();
    await target("wecom", { url: `${receiver.url}/send?key=k` }, ["system.store_unreachable"]);
    // A Redis that cannot be reached (nothing listens on port 9).
    const deadA = new RedisStore({ url: "redis://127.0.0.1:9", keyPrefix: "dead:", logger, commandTimeoutMs: 200 });
    const deadB = new RedisStore({ url: "redis://127.0.0.1:9", keyPrefix: "dead:", logger, commandTimeoutMs: 200 });
    stores.push(deadA, deadB);
    const a = await start(deadA);
    const b = await start(deadB);
    const event: NotificationEvent = { name: "system.store_unreachable", key: "store_unreachable:1", subject: "", at: NOW, data: { since: null, instance: "x", error: "connect ECONNREFUSED" } };
    a.n.emit(event);
    b.n.emit(event);
    await Promise.all([a.n.dispatcher.idle(), b.n.dispatcher.idle()]);
    expect(receiver.requests).toHaveLength(1);
    expect(await db.prisma.notificationLock.count()).toBeGreaterThan(0);
  });
});
