/**
 * Request filters and the error-detail settings on the Responses WebSocket transport, through a
 * real hub and the fake upstream with a real WebSocket client: each turn goes through the HTTP
 * pipeline on loopback, and these tests check that what that pipeline does (filters, shaped
 * error messages) is what a WebSocket client actually gets.
 */
import WebSocket from "ws";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeUpstream, type FakeUpstream } from "./fake-upstream/index.ts";
import { seedTenant, startTestHub, type TestHub } from "../test-support/hub.ts";

let fake: FakeUpstream;
let t: TestHub;
let tenant: Awaited<ReturnType<typeof seedTenant>>;
let ws: WebSocket;

beforeAll(async () => {
  fake = await startFakeUpstream();
  t = await startTestHub();
  tenant = await seedTenant(t, fake.url, { providerType: "codex", provider: { maxRetryAttempts: 1 } });
});
afterAll(async () => {
  await t?.stop();
  await fake?.close();
});

beforeEach(async () => {
  fake.reset();
  ws = await new Promise<WebSocket>((resolve, reject) => {
    const socket = new WebSocket(`${t.url.replace("http", "ws")}/v1/responses`, { headers: { authorization: `Bearer ${tenant.key.key}` } });
    socket.once("open", () => resolve(socket));
    socket.once("error", reject);
  });
});
const created: number[] = [];
afterEach(async () => {
  ws.close();
  for (const id of created.splice(0)) await t.admin("filters/delete", { id });
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- events are free-form JSON the test inspects
type WsEvent = Record<string, any>;

/** Sends a turn and collects its events until a terminal one. */
function turn(text = "hello"): Promise<WsEvent[]> {
  return new Promise((resolve) => {
    const events: WsEvent[] = [];
    const onMessage = (data: WebSocket.RawData) => {
      const event = JSON.parse(data.toString()) as WsEvent;
      events.push(event);
      if (["response.completed", "response.failed", "response.incomplete", "error"].includes(event.type)) {
        ws.off("message", onMessage);
        resolve(events);
      }
    };
    ws.on("message", onMessage);
    ws.send(JSON.stringify({ type: "response.create", model: "gpt-5", store: false, input: [{ type: "message", role: "user", content: [{ type: "input_text", text }] }] }));
  });
}

describe("filters on a WebSocket turn", () => {
  it("a request filter changes what the upstream gets and a response filter what the client gets", async () => {
    const providerIds = [tenant.provider.id];
    for (const filter of [
      { name: "tag", scope: "body", action: "set", target: "metadata", value: { team: "blue" }, bindingType: "providers", providerIds },
      { name: "org", scope: "header", action: "set", target: "x-org", value: "acme", bindingType: "providers", providerIds },
      { name: "hide", phase: "response", scope: "body", action: "replace", target: "delta", matchPattern: "secret", value: "[hidden]", bindingType: "providers", providerIds },
    ]) {
      created.push((await t.admin<{ id: number }>("filters/create", filter)).id);
    }
    fake.enqueue({ text: "a secret b secret", chunks: 2 });
    const events = await turn();
    expect(events.at(-1)!.type).toBe("response.completed");
    expect(fake.requests[0].json).toMatchObject({ metadata: { team: "blue" } });
    expect(fake.requests[0].headers["x-org"]).toBe("acme");
    const deltas = events.filter((e) => e.type === "response.output_text.delta").map((e) => e.delta as string);
    expect(deltas.join("")).toBe("a [hidden] b [hidden]");
  });
});

const UPSTREAM_WORDS = "field frobnicate is not supported (upstream trace 7f3a)";

async function settings(verboseProviderError: boolean, passThroughUpstreamErrorMessage: boolean) {
  await t.admin("settings/update", { verboseProviderError, passThroughUpstreamErrorMessage });
}

/** The error event of a turn the upstream refused (or could not be reached for). */
async function failedTurn(behaviour: Record<string, unknown>): Promise<WsEvent> {
  fake.enqueue(behaviour as Parameters<FakeUpstream["enqueue"]>[0]);
  const events = await turn();
  expect(events).toHaveLength(1);
  expect(events[0].type).toBe("error");
  return events[0];
}

const rejected = { kind: "status", status: 400, message: UPSTREAM_WORDS };
const reset = { kind: "reset-before-headers" };

describe("error detail on a WebSocket turn", () => {
  const providerName = () => tenant.provider.name;

  it("verbose on, pass-through on: the upstream's own error; a network failure with provider and cause", async () => {
    await settings(true, true);
    const upstream = await failedTurn(rejected);
    expect(upstream.status).toBe(400);
    expect(upstream.error.message).toBe(UPSTREAM_WORDS);
    const network = await failedTurn(reset);
    expect(network.status).toBe(502);
    expect(network.error.message).toMatch(/could not be reached \(.+\)/);
    expect(network.error.message).toContain(`Tried: ${providerName()}`);
  });

  it("verbose off, pass-through on: the upstream's own error; a network failure generic, with the request id", async () => {
    await settings(false, true);
    const upstream = await failedTurn(rejected);
    expect(upstream.error.message).toBe(UPSTREAM_WORDS);
    expect(JSON.stringify(upstream)).not.toContain(providerName());
    // The upstream's words name no request id; the event does, and the log has the detail.
    expect(upstream.request_id).toMatch(/^req_/);
    await t.flushLogs();
    const log = await t.admin<{ errorMessage: string | null }>("logs/get", { requestId: upstream.request_id });
    expect(log.errorMessage).toContain("frobnicate");
    const network = await failedTurn(reset);
    expect(network.status).toBe(502);
    expect(network.error.message).toMatch(/^The upstream provider failed to answer\. Request id: \S+\.$/);
    expect(JSON.stringify(network)).not.toMatch(/ECONN|socket|127\.0\.0\.1/);
  });

  it("verbose on, pass-through off: the hub's classified message, with the provider", async () => {
    await settings(true, false);
    const upstream = await failedTurn(rejected);
    expect(upstream.status).toBe(400);
    expect(upstream.error.message).toContain("The upstream provider rejected the request as invalid.");
    expect(upstream.error.message).toContain(`Provider ${providerName()} answered 400.`);
    expect(JSON.stringify(upstream)).not.toContain("frobnicate");
  });

  it("verbose off, pass-through off: only the classified message and the request id, and the log keeps the rest", async () => {
    await settings(false, false);
    const upstream = await failedTurn(rejected);
    expect(upstream.status).toBe(400);
    const match = /^The upstream provider rejected the request as invalid\. Request id: (\S+)\.$/.exec(upstream.error.message as string);
    expect(match).not.toBeNull();
    expect(JSON.stringify(upstream)).not.toContain("frobnicate");
    expect(JSON.stringify(upstream)).not.toContain(providerName());
    await t.flushLogs();
    const log = await t.admin<{ errorMessage: string | null }>("logs/get", { requestId: match![1] });
    expect(log.errorMessage).toContain("frobnicate");
  });

  it("a stream that breaks off after the first bytes names its cause only when verbose", async () => {
    await settings(false, true);
    fake.enqueue({ kind: "reset-mid-stream", afterEvents: 4 });
    const quiet = JSON.stringify(await turn());
    expect(quiet).toMatch(/The upstream stream broke off\. Request id: \S+\./);
    expect(quiet).not.toMatch(/ECONN|socket|127\.0\.0\.1/);
    await settings(true, true);
    fake.enqueue({ kind: "reset-mid-stream", afterEvents: 4 });
    expect(JSON.stringify(await turn())).toMatch(/The upstream stream broke off: \S/);
  });
});
