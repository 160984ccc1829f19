/**
 * The error-detail settings through a real hub and the fake upstream, in every request format:
 * "verbose provider errors" (provider names, addresses, network internals, the upstream's body
 * as sent — or a generic message with the request id) × "pass through upstream error message"
 * (the upstream's own words — or the hub's classified message).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeUpstream, type FakeUpstream } from "./fake-upstream/index.ts";
import { seedTenant, startTestHub, type TestHub } from "../test-support/hub.ts";

let fake: FakeUpstream;
let t: TestHub;
type Tenant = Awaited<ReturnType<typeof seedTenant>>;
const tenants: Record<string, Tenant> = {};

interface FormatCase {
  name: string;
  providerType: string;
  path: string;
  auth: (key: string) => Record<string, string>;
  body: Record<string, unknown>;
  /** The message of this format's error envelope. */
  message: (body: Record<string, unknown>) => string;
  provider?: Record<string, unknown>;
  user?: Record<string, unknown>;
}

const errorMessage = (b: Record<string, unknown>) => String((b.error as { message?: string } | undefined)?.message);
const hello = { contents: [{ role: "user", parts: [{ text: "hi" }] }] };

const FORMATS: FormatCase[] = [
  { name: "Messages", providerType: "claude", path: "/v1/messages", auth: (k) => ({ "x-api-key": k }), body: { model: "claude-sonnet-4-5", max_tokens: 50, messages: [{ role: "user", content: "hi" }] }, message: errorMessage },
  { name: "Chat", providerType: "openai-compatible", path: "/v1/chat/completions", auth: (k) => ({ authorization: `Bearer ${k}` }), body: { model: "gpt-4o", messages: [{ role: "user", content: "hi" }] }, message: errorMessage, provider: { allowFormatConversion: false } },
  { name: "Responses", providerType: "codex", path: "/v1/responses", auth: (k) => ({ authorization: `Bearer ${k}` }), body: { model: "gpt-5", input: "hi" }, message: errorMessage },
  { name: "Gemini", providerType: "gemini", path: "/v1beta/models/gemini-2.5-flash:generateContent", auth: (k) => ({ "x-goog-api-key": k }), body: hello, message: errorMessage },
  {
    name: "Gemini CLI",
    providerType: "gemini-cli",
    path: "/v1internal:generateContent",
    auth: (k) => ({ authorization: `Bearer ${k}` }),
    body: { model: "gemini-2.5-pro", project: "proj-1", request: hello },
    message: errorMessage,
    // A token that is still valid: no refresh (and no token server) is needed.
    provider: {
      groupTag: "codeassist",
      key: JSON.stringify({ access_token: "ya29.valid", refresh_token: "1//r", client_id: "c", client_secret: "s", expiry_date: Date.now() + 3_600_000, token_uri: "http://127.0.0.1:9/token" }),
    },
    user: { providerGroup: "codeassist" },
  },
];

const UPSTREAM_WORDS = "field frobnicate is not supported (upstream trace 7f3a)";

async function send(format: FormatCase, behaviour: Record<string, unknown>) {
  const res = await fetch(`${t.url}${format.path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...format.auth(tenants[format.name].key.key), "x-fake-behaviour": JSON.stringify(behaviour) },
    body: JSON.stringify(format.body),
  });
  const text = await res.text();
  return { status: res.status, requestId: res.headers.get("x-request-id")!, text, json: JSON.parse(text) as Record<string, unknown> };
}

async function settings(verboseProviderError: boolean, passThroughUpstreamErrorMessage: boolean) {
  await t.admin("settings/update", { verboseProviderError, passThroughUpstreamErrorMessage });
}

beforeAll(async () => {
  fake = await startFakeUpstream();
  t = await startTestHub();
  for (const f of FORMATS) {
    tenants[f.name] = await seedTenant(t, fake.url, { providerType: f.providerType, provider: { maxRetryAttempts: 1, ...f.provider }, user: f.user });
  }
});

afterAll(async () => {
  await t?.stop();
  await fake?.close();
});

const rejected = { kind: "status", status: 400, message: UPSTREAM_WORDS };
const reset = { kind: "reset-before-headers" };

describe.each(FORMATS)("error detail on $name", (format) => {
  const providerName = () => tenants[format.name].provider.name;

  it("verbose on, pass-through on: the upstream's error as it sent it; network failures with provider and cause", async () => {
    await settings(true, true);
    const upstream = await send(format, rejected);
    expect(upstream.status).toBe(400);
    expect(format.message(upstream.json)).toBe(UPSTREAM_WORDS);
    // The body as the upstream sent it: Anthropic's carries the upstream's request id, not the hub's.
    if (format.name === "Messages") expect(upstream.json.request_id).not.toBe(upstream.requestId);

    const network = await send(format, reset);
    expect(network.status).toBe(502);
    expect(format.message(network.json)).toMatch(/could not be reached \(.+\)/);
    expect(format.message(network.json)).toContain(`Tried: ${providerName()}`);
  });

  it("verbose off, pass-through on: the upstream's own error; network failures generic with the request id", async () => {
    await settings(false, true);
    const upstream = await send(format, rejected);
    expect(upstream.status).toBe(400);
    expect(format.message(upstream.json)).toBe(UPSTREAM_WORDS);
    expect(upstream.text).not.toContain(providerName());

    const network = await send(format, reset);
    expect(network.status).toBe(502);
    expect(format.message(network.json)).toBe(`The upstream provider failed to answer. Request id: ${network.requestId}.`);
    expect(network.text).not.toMatch(/ECONN|socket|127\.0\.0\.1/);
  });

  it("verbose on, pass-through off: the hub's classified message, with the providers tried", async () => {
    await settings(true, false);
    const upstream = await send(format, rejected);
    expect(upstream.status).toBe(400);
    const message = format.message(upstream.json);
    expect(message).toContain("The upstream provider rejected the request as invalid.");
    expect(message).toContain(`Provider ${providerName()} answered 400.`);
    expect(message).not.toContain("frobnicate");
  });

  it("verbose off, pass-through off: only the classified message and the request id", async () => {
    await settings(false, false);
    const upstream = await send(format, rejected);
    expect(upstream.status).toBe(400);
    expect(format.message(upstream.json)).toBe(`The upstream provider rejected the request as invalid. Request id: ${upstream.requestId}.`);
    expect(upstream.text).not.toContain("frobnicate");
    expect(upstream.text).not.toContain(providerName());

    // The log keeps what the client was not told.
    await t.flushLogs();
    const log = await t.admin<{ errorMessage: string | null }>("logs/get", { requestId: upstream.requestId });
    expect(log.errorMessage).toContain("frobnicate");
  });
});

describe("error detail after the first byte", () => {
  it("a stream that breaks off names its cause only when verbose", async () => {
    const format = FORMATS[0];
    const stream = (b: Record<string, unknown>) =>
      fetch(`${t.url}${format.path}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...format.auth(tenants.Messages.key.key), "x-fake-behaviour": JSON.stringify(b) },
        body: JSON.stringify({ ...format.body, stream: true }),
      }).then(async (r) => ({ requestId: r.headers.get("x-request-id")!, text: await r.text() }));
    await settings(false, true);
    const quiet = await stream({ kind: "reset-mid-stream", afterEvents: 4 });
    expect(quiet.text).toContain(`The upstream stream broke off. Request id: ${quiet.requestId}.`);
    await settings(true, true);
    const loud = await stream({ kind: "reset-mid-stream", afterEvents: 4 });
    expect(loud.text).toMatch(/The upstream stream broke off: \S/);
  });
});
