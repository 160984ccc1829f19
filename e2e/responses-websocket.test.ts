/**
 * The Responses WebSocket transport with a real WebSocket client speaking Codex CLI's protocol:
 * handshake auth, a warm-up frame, a turn, an incremental turn (previous_response_id + new
 * input only), per-turn logging and billing, the client's address in the log of each turn.
 */
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeUpstream, type FakeUpstream } from "./fake-upstream/index.ts";
import { seedTenant, startTestHub, type TestHub } from "../test-support/hub.ts";

let fake: FakeUpstream;
let t: TestHub;
let tenant: Awaited<ReturnType<typeof seedTenant>>;

beforeAll(async () => {
  fake = await startFakeUpstream();
  // Behind a trusted proxy, so the tests can give each client its own address.
  t = await startTestHub({ env: { TRUST_PROXY: "true" } });
  tenant = await seedTenant(t, fake.url, { providerType: "codex" });
});
afterAll(async () => {
  await t?.stop();
  await fake?.close();
});

function connect(key: string, extraHeaders: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${t.url.replace("http", "ws")}/v1/responses`, { headers: { authorization: `Bearer ${key}`, "session-id": "0199aaaa-bbbb-7ccc-8ddd-eeeeffff0000", ...extraHeaders } });
    ws.once("open", () => resolve(ws));
    ws.once("unexpected-response", (_req, res) => reject(Object.assign(new Error(`handshake ${res.statusCode}`), { status: res.statusCode })));
    ws.once("error", reject);
  });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- events are free-form JSON the test inspects
type WsEvent = Record<string, any>;

/** Sends a frame and collects events until a terminal one. */
function turn(ws: WebSocket, frame: object): Promise<WsEvent[]> {
  return new Promise((resolve) => {
    const events: WsEvent[] = [];
    const onMessage = (data: WebSocket.RawData) => {
      const event = JSON.parse(data.toString());
      events.push(event);
      if (["response.completed", "response.failed", "response.incomplete", "error"].includes(event.type)) {
        ws.off("message", onMessage);
        resolve(events);
      }
    };
    ws.on("message", onMessage);
    ws.send(JSON.stringify(frame));
  });
}

describe("Responses over WebSocket", () => {
  it("refuses a bad key at the handshake", async () => {
    await expect(connect("sk-wrong")).rejects.toMatchObject({ status: 401 });
  });

  it("answers a warm-up locally, then serves turns, continuing incremental ones", async () => {
    const ws = await connect(tenant.key.key);
    try {
      const warm = await turn(ws, { type: "response.create", model: "gpt-5", generate: false, input: [] });
      expect(warm.map((e) => e.type)).toEqual(["response.created", "response.completed"]);
      expect(fake.requests).toHaveLength(0);

      fake.enqueue({ text: "first answer", usage: { inputTokens: 100, outputTokens: 20, cacheReadTokens: 400 } });
      const first = await turn(ws, { type: "response.create", model: "gpt-5", store: false, input: [{ type: "message", role: "user", content: [{ type: "input_text", text: "hello" }] }] });
      expect(first[0].type).toBe("response.created");
      expect(first.at(-1)!.type).toBe("response.completed");
      expect(first.filter((e) => e.type === "response.output_text.delta").map((e) => e.delta).join("")).toBe("first answer");
      const firstId = first.at(-1)!.response.id;

      const second = await turn(ws, {
        type: "response.create",
        model: "gpt-5",
        store: false,
        previous_response_id: firstId,
        input: [{ type: "message", role: "user", content: [{ type: "input_text", text: "and then?" }] }],
      });
      expect(second.at(-1)!.type).toBe("response.completed");
      // The upstream got the whole conversation: first input, first output, new input.
      const upstreamInput = (fake.requests[1].json as { input: unknown[]; previous_response_id?: string }).input;
      expect(upstreamInput).toHaveLength(3);
      expect((fake.requests[1].json as { previous_response_id?: string }).previous_response_id).toBeUndefined();
      expect(fake.requests[1].headers.authorization).toBe(`Bearer ${tenant.upstreamKey}`);

      // Each turn is logged and billed: gpt-5 at $1.25 in, $0.125 cached, $10 out per MTok.
      await t.flushLogs();
      const { items } = await t.admin<{ items: Array<{ endpoint: string; inputTokens: number; cacheReadTokens: number; costUsd: number; sessionId: string }> }>("logs/list", { keyId: tenant.key.id });
      expect(items).toHaveLength(2);
      const firstRow = items[1];
      expect(firstRow).toMatchObject({ endpoint: "/v1/responses", inputTokens: 100, cacheReadTokens: 400, sessionId: "0199aaaa-bbbb-7ccc-8ddd-eeeeffff0000" });
      expect(firstRow.costUsd).toBeCloseTo(100 * 1.25e-6 + 400 * 0.125e-6 + 20 * 10e-6, 9);
    } finally {
      ws.close();
    }
  });

  it("sends a limit refusal as an error event, and keeps the connection", async () => {
    const limited = await seedTenant(t, fake.url, { providerType: "codex", key: { rpmLimit: 1 }, user: { providerGroup: "ws-rpm" }, provider: { groupTag: "ws-rpm" } });
    const ws = await connect(limited.key.key);
    try {
      const frame = { type: "response.create", model: "gpt-5", input: [{ type: "message", role: "user", content: [{ type: "input_text", text: "x" }] }] };
      expect((await turn(ws, frame)).at(-1)!.type).toBe("response.completed");
      const refused = await turn(ws, frame);
      expect(refused).toEqual([expect.objectContaining({ type: "error", status: 429, error: expect.objectContaining({ code: "rate_limit_exceeded" }) })]);
      expect(ws.readyState).toBe(WebSocket.OPEN);
    } finally {
      ws.close();
    }
  });

  it("logs each turn under the client's address, which a client cannot forge over HTTP", async () => {
    const own = await seedTenant(t, fake.url, { providerType: "codex", user: { providerGroup: "ws-ip" }, provider: { groupTag: "ws-ip" } });
    const ws = await connect(own.key.key, { "x-forwarded-for": "203.0.113.7" });
    try {
      fake.enqueue({ text: "hi" });
      const frame = { type: "response.create", model: "gpt-5", input: [{ type: "message", role: "user", content: [{ type: "input_text", text: "x" }] }] };
      expect((await turn(ws, frame)).at(-1)!.type).toBe("response.completed");
    } finally {
      ws.close();
    }
    // A plain HTTP client sending the bridge's headers with a made-up secret is logged as itself.
    fake.enqueue({ text: "hi" });
    const forged = await fetch(`${t.url}/v1/responses`, {
      method: "POST",
      headers: { authorization: `Bearer ${own.key.key}`, "content-type": "application/json", "x-forwarded-for": "203.0.113.8", "x-cch-internal-hop": "guessed", "x-cch-client-ip": "198.51.100.9" },
      body: JSON.stringify({ model: "gpt-5", input: "x" }),
    });
    expect(forged.status).toBe(200);
    await forged.text();
    expect(Object.keys(fake.requests.at(-1)!.headers).filter((h) => h.startsWith("x-cch-"))).toEqual([]);

    await t.flushLogs();
    const { items } = await t.admin<{ items: Array<{ requestId: string }> }>("logs/list", { keyId: own.key.id });
    const addresses = await Promise.all(items.map(async (i) => (await t.admin<{ clientIp: string }>("logs/get", { requestId: i.requestId })).clientIp));
    expect(addresses.sort()).toEqual(["203.0.113.7", "203.0.113.8"]);
  });
});
