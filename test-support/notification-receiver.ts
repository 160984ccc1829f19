/**
 * A local stand-in for WeCom, Feishu, DingTalk, Telegram and webhook receivers: records every
 * request (method, URL, headers, raw body) on 127.0.0.1 and answers what the test scripts,
 * one answer per request in order (the last one repeats). "hang" never answers (timeouts).
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export type Answer = { status: number; body: string } | "hang";

export interface Receiver {
  url: string;
  requests: ReceivedRequest[];
  /** Scripts the next answers (the last one is repeated). */
  answer(...answers: Answer[]): void;
  /** Resolves when `count` requests have arrived. */
  received(count: number): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  let answers: Answer[] = [{ status: 200, body: '{"errcode":0,"errmsg":"ok","code":0,"ok":true}' }];
  const hanging = new Set<ServerResponse>();
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      for (const w of waiters.splice(0)) {
        if (requests.length >= w.count) w.resolve();
        else waiters.push(w);
      }
      const answer = answers.length > 1 ? answers.shift()! : answers[0];
      if (answer === "hang") {
        hanging.add(res);
        return;
      }
      res.writeHead(answer.status, { "content-type": "application/json" }).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    answer: (...next) => void (answers = next),
    received: (count) =>
      requests.length >= count ? Promise.resolve(requests) : new Promise((resolve) => waiters.push({ count, resolve: () => resolve(requests) })),
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
