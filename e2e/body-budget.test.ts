/**
 * Request bodies held at once are capped hub-wide (MAX_BUFFERED_BODY_BYTES): slow or large
 * uploads cannot pile up in memory before any per-key limit applies. Past the cap a request is
 * refused at once with 503 and Retry-After in its own envelope; the bytes come back when the
 * holding request ends.
 */
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeUpstream, type FakeUpstream } from "./fake-upstream/index.ts";
import { seedTenant, startTestHub, type TestHub } from "../test-support/hub.ts";

const CAP = 64 * 1024;
const BODY_SIZE = 40 * 1024;

let fake: FakeUpstream;
let t: TestHub;
let key: string;

beforeAll(async () => {
  fake = await startFakeUpstream();
  t = await startTestHub({ env: { MAX_BUFFERED_BODY_BYTES: String(CAP) } });
  key = (await seedTenant(t, fake.url)).key.key;
});
afterAll(async () => {
  await t?.stop();
  await fake?.close();
});

/** A Claude request padded to exactly `size` bytes. */
function paddedBody(size: number): Buffer {
  const base = JSON.stringify({ model: "claude-sonnet-4-5", max_tokens: 10, messages: [{ role: "user", content: "" }] });
  return Buffer.from(base.replace('"content":""', `"content":"${"x".repeat(size - base.length)}"`));
}

function send(body: Buffer, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const url = new URL(t.url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, method: "POST", path: "/v1/messages", headers: { "content-type": "application/json", "x-api-key": key, "content-length": body.length, ...headers } },
      (res) => {
        let text = "";
        res.on("data", (c: Buffer) => (text += c.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

async function until(check: () => boolean) {
  while (!check()) await new Promise((r) => setTimeout(r, 10));
}

describe("the hub-wide body budget", () => {
  it("refuses a new upload with 503 and Retry-After while slow uploads hold the budget, and takes it again once they end", async () => {
    // A slow client: declares 40 KiB, sends 1 KiB, then nothing.
    const url = new URL(t.url);
    const slow = http.request({ host: url.hostname, port: url.port, method: "POST", path: "/v1/messages", headers: { "content-type": "application/json", "x-api-key": key, "content-length": BODY_SIZE } });
    slow.on("error", () => undefined);
    slow.write(paddedBody(BODY_SIZE).subarray(0, 1024));
    await until(() => t.hub.bodyBudget.inUse >= BODY_SIZE);

    fake.reset();
    const refused = await send(paddedBody(BODY_SIZE));
    expect(refused.status).toBe(503);
    expect(refused.headers["retry-after"]).toBe("1");
    expect(JSON.parse(refused.body)).toMatchObject({ type: "error", error: { type: "overloaded_error" } });
    expect(fake.requests).toHaveLength(0);

    // The slow client leaves: its bytes return to the budget and the same upload goes through.
    slow.destroy();
    await until(() => t.hub.bodyBudget.inUse === 0);
    const accepted = await send(paddedBody(BODY_SIZE));
    expect(accepted.status).toBe(200);
    expect(fake.requests).toHaveLength(1);
    await until(() => t.hub.bodyBudget.inUse === 0);
  });

  it("counts a chunked body as it arrives", async () => {
    const url = new URL(t.url);
    const res = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        { host: url.hostname, port: url.port, method: "POST", path: "/v1/messages", headers: { "content-type": "application/json", "x-api-key": key, "transfer-encoding": "chunked" } },
        (r) => {
          r.resume();
          resolve(r.statusCode ?? 0);
        },
      );
      req.on("error", () => undefined);
      // More than the whole budget in chunks: refused before it is all in memory.
      const piece = Buffer.alloc(8 * 1024, 0x20);
      for (let i = 0; i < 12; i++) req.write(piece);
      req.on("close", () => reject(new Error("closed without an answer")));
    });
    expect(res).toBe(503);
    await until(() => t.hub.bodyBudget.inUse === 0);
  });
});
