/**
 * The server's request timeouts on a real hub: a request body sent too slowly is cut with 408,
 * while a streamed answer that runs far longer than the request timeout still completes.
 */
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeUpstream, type FakeUpstream } from "../../e2e/fake-upstream/index.ts";
import { startTestHub, type TestHub } from "../../test-support/hub.ts";

const REQUEST_TIMEOUT_MS = 1_000;
let t: TestHub;
let upstream: FakeUpstream;
let apiKey: string;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  t = await startTestHub({ env: { HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS), HTTP_HEADERS_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS) } });
  const user = await t.admin<{ id: number }>("users/create", { name: "streamer", providerGroup: "slow" });
  apiKey = (await t.admin<{ key: string }>("keys/create", { userId: user.id, name: "k" })).key;
  await t.admin("providers/create", { name: "slow-upstream", url: upstream.url, key: "sk-upstream", providerType: "claude", groupTag: "slow" });
}, 60_000);

afterAll(async () => {
  await t?.stop();
  await upstream?.close();
});

/** Sends a request whose body arrives one byte every 100 ms; resolves with what the hub answered. */
function dribble(path: string, bytes: number): Promise<{ answer: string; sentBytes: number }> {
  const { port } = new URL(t.url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), "127.0.0.1");
    let answer = "";
    let sentBytes = 0;
    let timer: NodeJS.Timeout | undefined;
    const finish = () => {
      clearInterval(timer);
      socket.destroy();
      resolve({ answer, sentBytes });
    };
    socket.on("error", (error) => (answer ? finish() : reject(error)));
    socket.on("data", (chunk) => (answer += chunk.toString("latin1")));
    socket.on("close", finish);
    socket.on("connect", () => {
      socket.write(`POST ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\nx-api-key: ${apiKey}\r\ncontent-length: ${bytes}\r\n\r\n`);
      timer = setInterval(() => {
        if (sentBytes === bytes) {
          // Everything sent and still no answer: give the hub a moment, then stop waiting.
          clearInterval(timer);
          setTimeout(finish, 2_000);
          return;
        }
        sentBytes += 1;
        socket.write(" ");
      }, 100);
    });
  });
}

describe("HTTP server timeouts", () => {
  it("answers 408 and closes the connection when a request body is dribbled past HTTP_REQUEST_TIMEOUT_MS", async () => {
    // 60 bytes at 10 bytes/s would take 6 s, six times the request timeout.
    const { answer, sentBytes } = await dribble("/v1/messages", 60);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(sentBytes).toBeLessThan(60);
  });

  it("lets a streamed answer run far longer than the request timeout", async () => {
    upstream.enqueue({ kind: "stall-mid-stream", afterEvents: 2, ms: 3 * REQUEST_TIMEOUT_MS });
    const res = await fetch(`${t.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": apiKey, "anthropic-version": "2023-06-01" },
      body: JSON.stringify({ model: "claude-sonnet-4-5", max_tokens: 64, stream: true, messages: [{ role: "user", content: "hi" }] }),
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain("event: message_stop");
  });
});
