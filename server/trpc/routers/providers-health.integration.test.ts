/**
 * providers.health, providers.resetBreaker and providers.test against a real hub and the fake
 * upstream: the breaker as real failing requests move it, a reset that the shared store
 * applies everywhere, and a connection test that reports without leaking the upstream key.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeUpstream, type FakeUpstream } from "../../../e2e/fake-upstream/index.ts";
import { seedTenant, startTestHub, type TestHub } from "../../../test-support/hub.ts";

interface Health {
  items: Array<{
    providerId: number;
    name: string;
    failureThreshold: number;
    breaker: { state: string; failures: number; openUntil: string | null; halfOpenSuccesses: number };
  }>;
}
interface TestResult {
  ok: boolean;
  status: number | null;
  latencyMs: number;
  model: string | null;
  message: string;
}

let t: TestHub;
let fake: FakeUpstream;
let tenant: Awaited<ReturnType<typeof seedTenant>>;
let webKey: string;

beforeAll(async () => {
  fake = await startFakeUpstream();
  t = await startTestHub();
  tenant = await seedTenant(t, fake.url, { provider: { circuitBreakerFailureThreshold: 2, maxRetryAttempts: 1 }, key: { canLoginWebUi: true } });
  webKey = tenant.key.key;
});

afterAll(async () => {
  await t?.stop();
  await fake?.close();
});

const breakerOf = async (id: number) => (await t.admin<Health>("providers/health", {})).items.find((i) => i.providerId === id)!.breaker;

async function proxiedRequest() {
  const response = await fetch(`${t.url}/v1/messages`, {
    method: "POST",
    headers: { "x-api-key": tenant.key.key, "content-type": "application/json" },
    body: JSON.stringify({ model: "claude-sonnet-4-5", max_tokens: 10, messages: [{ role: "user", content: "hi" }] }),
  });
  await response.text();
  return response.status;
}

describe("breaker health", () => {
  it("follows real failures until the breaker opens, and a reset closes it", async () => {
    expect(await breakerOf(tenant.provider.id)).toEqual({ state: "closed", failures: 0, openUntil: null, halfOpenSuccesses: 0 });

    fake.enqueue({ kind: "status", status: 500 }, { kind: "status", status: 500 });
    expect(await proxiedRequest()).toBeGreaterThanOrEqual(500);
    expect(await breakerOf(tenant.provider.id)).toMatchObject({ state: "closed", failures: 1 });
    expect(await proxiedRequest()).toBeGreaterThanOrEqual(500);
    const open = await breakerOf(tenant.provider.id);
    expect(open.state).toBe("open");
    // Open for the provider's configured 30 minutes.
    expect(Date.parse(open.openUntil!) - Date.now()).toBeGreaterThan(29 * 60_000);
    expect(await proxiedRequest()).toBe(503); // no provider left

    const reset = await t.admin<{ ok: boolean; breaker: { state: string } }>("providers/resetBreaker", { id: tenant.provider.id });
    expect(reset.breaker.state).toBe("closed");
    expect(await breakerOf(tenant.provider.id)).toEqual({ state: "closed", failures: 0, openUntil: null, halfOpenSuccesses: 0 });
    expect(await proxiedRequest()).toBe(200);
    await expect.poll(() => t.hub.db.prisma.auditLog.count({ where: { action: "providers.resetBreaker" } })).toBe(1);
  });

  it("404s for an unknown provider", async () => {
    expect((await t.adminRaw("providers/resetBreaker", { id: 999_999 })).status).toBe(404);
    expect((await t.adminRaw("providers/test", { id: 999_999 })).status).toBe(404);
  });
});

describe("connection test", () => {
  it("sends one small request with the provider's credentials and reports status and latency", async () => {
    const before = fake.requests.length;
    const result = await t.admin<TestResult>("providers/test", { id: tenant.provider.id });
    expect(result).toMatchObject({ ok: true, status: 200, model: "claude-haiku-4-5" });
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
    expect(result.message).toMatch(/^200 OK/);
    const sent = fake.requests[before];
    expect(sent.path).toBe("/v1/messages");
    expect(sent.headers["x-api-key"]).toBe(tenant.upstreamKey);
    expect(sent.json).toMatchObject({ model: "claude-haiku-4-5", max_tokens: 16, messages: [{ role: "user", content: "ping" }] });
    expect(JSON.stringify(result)).not.toContain(tenant.upstreamKey);
  });

  it("asks for the model given", async () => {
    const result = await t.admin<TestResult>("providers/test", { id: tenant.provider.id, model: "claude-opus-4-8" });
    expect(result.model).toBe("claude-opus-4-8");
    expect(fake.requests.at(-1)?.json).toMatchObject({ model: "claude-opus-4-8" });
  });

  it("reports an upstream error with its message, never echoing the key", async () => {
    fake.enqueue({ kind: "status", status: 401, message: `invalid x-api-key: ${tenant.upstreamKey}` });
    const result = await t.admin<TestResult>("providers/test", { id: tenant.provider.id });
    expect(result).toMatchObject({ ok: false, status: 401 });
    expect(result.message).toContain("invalid x-api-key");
    expect(JSON.stringify(result)).not.toContain(tenant.upstreamKey);
  });

  it("treats a 200 with an error body as a failure", async () => {
    fake.enqueue({ kind: "fake-200", message: "upstream overloaded" });
    expect(await t.admin<TestResult>("providers/test", { id: tenant.provider.id })).toMatchObject({ ok: false, status: 200 });
  });

  it("reports an unreachable upstream without a status", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const dead = await t.admin<{ id: number }>("providers/create", { name: "dead", url: `http://127.0.0.1:${port}`, key: "sk-dead-0001", providerType: "claude-auth" });
    const result = await t.admin<TestResult>("providers/test", { id: dead.id });
    expect(result).toMatchObject({ ok: false, status: null, message: "request failed: ECONNREFUSED", reason: "request_failed", detail: "ECONNREFUSED" });
  });

  it("probes other formats through their adapters, and says when a type cannot be probed", async () => {
    const openai = await t.admin<{ id: number }>("providers/create", { name: "oai", url: fake.url, key: "sk-openai-0002", providerType: "openai-compatible" });
    const result = await t.admin<TestResult>("providers/test", { id: openai.id, model: "gpt-5.5" });
    expect(result).toMatchObject({ ok: true, status: 200 });
    expect(fake.requests.at(-1)).toMatchObject({ path: "/v1/chat/completions", headers: { authorization: "Bearer sk-openai-0002" } });

    const cli = await t.admin<{ id: number }>("providers/create", { name: "cli", url: fake.url, key: "AIza-cli-0003", providerType: "gemini-cli" });
    expect(await t.admin<TestResult>("providers/test", { id: cli.id })).toMatchObject({ ok: false, status: null, message: expect.stringMatching(/^unsupported type/), reason: "unsupported_type" });
  });
});

describe("as a user", () => {
  it("is admin-only", async () => {
    expect((await t.adminRaw("providers/health", {}, webKey)).status).toBe(403);
    expect((await t.adminRaw("providers/resetBreaker", { id: tenant.provider.id }, webKey)).status).toBe(403);
    expect((await t.adminRaw("providers/test", { id: tenant.provider.id }, webKey)).status).toBe(403);
  });
});
