/**
 * The Responses WebSocket bounds what a client can make the hub hold: a frame larger than the
 * body limit closes the connection with 1009, and a client that queues frames behind a running
 * turn past the limit gets an error event and a 1008 close. The hub keeps serving afterwards.
 */
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeUpstream, type FakeUpstream } from "./fake-upstream/index.ts";
import { seedTenant, startTestHub, type TestHub } from "../test-support/hub.ts";
import { MAX_QUEUED_FRAMES } from "../server/gateway/websocket/responses-ws.ts";

const FRAME_LIMIT = 64 * 1024;

let fake: FakeUpstream;
let t: TestHub;
let key: string;

beforeAll(async () => {
  fake = await startFakeUpstream();
  t = await startTestHub({ env: { MAX_REQUEST_BODY_BYTES: String(FRAME_LIMIT) } });
  key = (await seedTenant(t, fake.url, { providerType: "codex" })).key.key;
});
afterAll(async () => {
  await t?.stop();
  await fake?.close();
});

function connect(): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${t.url.replace("http", "ws")}/v1/responses`, { headers: { authorization: `Bearer ${key}` } });
    ws.once("open", () => resolve(ws));
    ws.once("error", reject);
  });
}

function closed(ws: WebSocket): Promise<number> {
  return new Promise((resolve) => ws.once("close", (code) => resolve(code)));
}

const frame = (input: string) => JSON.stringify({ type: "response.create", model: "gpt-5", input });

/** One complete turn on a fresh connection: the hub still serves. */
async function oneTurn(): Promise<string[]> {
  const ws = await connect();
  const types: string[] = [];
  await new Promise<void>((resolve) => {
    ws.on("message", (data) => {
      const event = JSON.parse(data.toString()) as { type: string };
      types.push(event.type);
      if (event.type === "response.completed" || event.type === "error") resolve();
    });
    ws.send(frame("hello"));
  });
  ws.close();
  return types;
}

describe("Responses WebSocket bounds", () => {
  it("closes the connection with 1009 on a frame larger than the body limit", async () => {
    const ws = await connect();
    ws.on("error", () => undefined);
    const code = closed(ws);
    ws.send(frame("x".repeat(FRAME_LIMIT + 1024)));
    expect(await code).toBe(1009);
    expect(await oneTurn()).toContain("response.completed");
  });

  it("answers a flood of frames behind a running turn with an error event and a 1008 close", async () => {
    fake.reset();
    fake.enqueue({ kind: "stall-before-headers" });
    const ws = await connect();
    const events: Array<{ type: string; status?: number }> = [];
    ws.on("message", (data) => events.push(JSON.parse(data.toString())));
    const code = closed(ws);
    // The first turn stalls upstream; the frames after it wait, until one too many.
    ws.send(frame("turn 0"));
    while (fake.requests.length === 0) await new Promise((r) => setTimeout(r, 10));
    for (let i = 1; i <= MAX_QUEUED_FRAMES + 1; i++) ws.send(frame(`turn ${i}`));
    expect(await code).toBe(1008);
    expect(events).toContainEqual(expect.objectContaining({ type: "error", status: 400 }));
    // Only the stalled turn ever reached the upstream.
    expect(fake.requests).toHaveLength(1);
    expect(await oneTurn()).toContain("response.completed");
  });
});
