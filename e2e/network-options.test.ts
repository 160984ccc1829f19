/**
 * Per-provider network options: HTTP and SOCKS5 proxies, fallback to direct, preserving the
 * client IP, MCP passthrough, HTTP/2 to TLS upstreams.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeUpstream, type FakeUpstream } from "./fake-upstream/index.ts";
import { seedTenant, startTestHub, type TestHub } from "../test-support/hub.ts";
import { startConnectProxy, startSocks5Proxy, type TestProxy } from "../test-support/proxies.ts";

let fake: FakeUpstream;
let t: TestHub;
let httpProxy: TestProxy;
let socks: TestProxy;

beforeAll(async () => {
  [fake, t, httpProxy, socks] = await Promise.all([startFakeUpstream(), startTestHub(), startConnectProxy(), startSocks5Proxy()]);
});
afterAll(async () => {
  await t?.stop();
  await Promise.all([fake?.close(), httpProxy?.close(), socks?.close()]);
});

const upstreamPort = () => new URL(fake.url).port;

async function send(key: string, content = "hi") {
  const res = await fetch(`${t.url}/v1/messages`, {
    method: "POST",
    headers: { "x-api-key": key },
    body: JSON.stringify({ model: "claude-sonnet-4-5", max_tokens: 5, messages: [{ role: "user", content }] }),
  });
  await res.text();
  return res.status;
}

let n = 0;
const group = () => ({ user: { providerGroup: `net${++n}` }, provider: { groupTag: `net${n}` } });

describe("per-provider proxies", () => {
  it("reaches the upstream through an HTTP proxy (CONNECT tunnel)", async () => {
    const g = group();
    const s = await seedTenant(t, fake.url, { ...g, provider: { ...g.provider, proxyUrl: httpProxy.url } });
    expect(await send(s.key.key)).toBe(200);
    expect(httpProxy.targets).toContain(`127.0.0.1:${upstreamPort()}`);
  });

  it("reaches the upstream through a SOCKS5 proxy", async () => {
    const g = group();
    const s = await seedTenant(t, fake.url, { ...g, provider: { ...g.provider, proxyUrl: socks.url } });
    expect(await send(s.key.key, "via socks")).toBe(200);
    expect(socks.targets).toContain(`127.0.0.1:${upstreamPort()}`);
  });

  it("falls back to a direct connection when the proxy is down, if the provider allows it", async () => {
    const g1 = group();
    const withFallback = await seedTenant(t, fake.url, { ...g1, provider: { ...g1.provider, proxyUrl: "http://127.0.0.1:9", proxyFallbackToDirect: true, maxRetryAttempts: 1 } });
    expect(await send(withFallback.key.key)).toBe(200);
    const g2 = group();
    const without = await seedTenant(t, fake.url, { ...g2, provider: { ...g2.provider, proxyUrl: "http://127.0.0.1:9", maxRetryAttempts: 1 } });
    expect(await send(without.key.key)).toBe(502);
  });
});

describe("client IP", () => {
  it("is passed upstream only when the provider preserves it", async () => {
    const g1 = group();
    const preserving = await seedTenant(t, fake.url, { ...g1, provider: { ...g1.provider, preserveClientIp: true } });
    fake.reset();
    await send(preserving.key.key);
    expect(fake.requests[0].headers["x-forwarded-for"]).toBe("127.0.0.1");
    expect(fake.requests[0].headers["x-real-ip"]).toBe("127.0.0.1");
    const g2 = group();
    const plain = await seedTenant(t, fake.url, g2);
    fake.reset();
    await fetch(`${t.url}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": plain.key.key, "x-forwarded-for": "10.9.8.7" },
      body: JSON.stringify({ model: "claude-sonnet-4-5", max_tokens: 5, messages: [{ role: "user", content: "x" }] }),
    });
    expect(fake.requests[0].headers["x-forwarded-for"]).toBeUndefined();
  });
});

describe("MCP passthrough", () => {
  it("relays a vendor's MCP endpoint through the caller's MCP provider, with the provider's key", async () => {
    const g = group();
    const s = await seedTenant(t, fake.url, { ...g, provider: { ...g.provider, mcpPassthroughType: "minimax" } });
    fake.reset();
    const res = await fetch(`${t.url}/v1/coding_plan/search?q=1`, { method: "POST", headers: { authorization: `Bearer ${s.key.key}` }, body: JSON.stringify({ query: "weather" }) });
    await res.text();
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]).toMatchObject({ path: "/v1/coding_plan/search", query: { q: "1" }, json: { query: "weather" } });
    expect(fake.requests[0].headers.authorization).toBe(`Bearer ${s.upstreamKey}`);
  });

  it("answers 404 when no MCP provider serves the caller", async () => {
    const s = await seedTenant(t, fake.url, group());
    fake.reset();
    const res = await fetch(`${t.url}/v1/coding_plan/search`, { method: "POST", headers: { authorization: `Bearer ${s.key.key}` }, body: "{}" });
    expect(res.status).toBe(404);
    expect(fake.requests).toHaveLength(0);
  });
});

describe("HTTP/2 to upstreams", () => {
  let tlsDir: string;
  let tlsFake: FakeUpstream;
  let h2Hub: TestHub;

  beforeAll(async () => {
    // A vendor-like HTTPS upstream (HTTP/2 and HTTP/1.1 by ALPN) with a certificate of its own,
    // trusted by the hub through UPSTREAM_CA_FILE.
    tlsDir = mkdtempSync(path.join(os.tmpdir(), "cch-tls-"));
    execFileSync("openssl", [
      "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
      "-keyout", path.join(tlsDir, "key.pem"), "-out", path.join(tlsDir, "cert.pem"),
      "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
    ], { stdio: "ignore" });
    const [key, cert] = ["key.pem", "cert.pem"].map((f) => readFileSync(path.join(tlsDir, f), "utf8"));
    tlsFake = await startFakeUpstream({ tls: { key, cert } });
    h2Hub = await startTestHub({ env: { UPSTREAM_CA_FILE: path.join(tlsDir, "cert.pem") } });
  });
  afterAll(async () => {
    await h2Hub?.stop();
    await tlsFake?.close();
    rmSync(tlsDir, { recursive: true, force: true });
  });

  async function stream(key: string) {
    const res = await fetch(`${h2Hub.url}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": key },
      body: JSON.stringify({ model: "claude-sonnet-4-5", max_tokens: 5, stream: true, messages: [{ role: "user", content: "over h2" }] }),
    });
    return { status: res.status, body: await res.text() };
  }

  it("speaks HTTP/2 to an upstream that offers it once the setting is on, HTTP/1.1 otherwise", async () => {
    const s = await seedTenant(h2Hub, tlsFake.url);
    let answer = await stream(s.key.key);
    expect(answer.status).toBe(200);
    expect(tlsFake.requests.at(-1)!.httpVersion).toBe("1.1");

    await h2Hub.admin("settings/update", { enableHttp2: true });
    answer = await stream(s.key.key);
    expect(answer.status).toBe(200);
    expect(answer.body).toContain("event: message_stop");
    const last = tlsFake.requests.at(-1)!;
    expect(last.httpVersion).toBe("2.0");
    expect(last.headers.authorization).toBe(`Bearer ${s.upstreamKey}`);

    // Usage and cost were read from the HTTP/2 stream like from any other.
    await h2Hub.flushLogs();
    const { items } = await h2Hub.admin<{ items: Array<{ statusCode: number; outputTokens: number; costUsd: number }> }>("logs/list", { keyId: s.key.id });
    expect(items[0].statusCode).toBe(200);
    expect(items[0].outputTokens).toBeGreaterThan(0);
    expect(items[0].costUsd).toBeGreaterThan(0);
  });

  it("refuses an upstream whose certificate is not trusted", async () => {
    const g = group();
    const s = await seedTenant(t, tlsFake.url, { ...g, provider: { ...g.provider, maxRetryAttempts: 1 } });
    const before = tlsFake.requests.length;
    expect(await send(s.key.key)).toBe(502);
    expect(tlsFake.requests.length).toBe(before);
  });
});
