/**
 * The web guards in front of the admin API and the dashboard, on the real Express app with stand-in
 * doors that read whatever body they are given (as Remix's request.formData() does).
 */
import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import express, { Router } from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../app.ts";
import { loadEnv } from "../env.ts";
import { webDoorGuards } from "./web-guards.ts";

let server: http.Server;
let port: number;
/** Bytes each stand-in door has read, by path. */
const read: Record<string, number> = {};

function readingDoor(req: http.IncomingMessage, res: http.ServerResponse) {
  let bytes = 0;
  req.on("data", (chunk: Buffer) => (bytes += chunk.length));
  req.on("end", () => {
    read[req.url ?? ""] = bytes;
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ bytes }));
  });
}

beforeAll(async () => {
  const env = loadEnv({ APP_HOST: "0.0.0.0", APP_URL: "https://hub.example.com", ALLOWED_HOSTS: "hub.internal, .corp.example" });
  const health = Router();
  health.get("/api/health/live", (_req, res) => void res.json({ ok: true }));
  const adminApi = Router();
  adminApi.post("/api/auth/login", express.json({ limit: "1mb" }), (_req, res) => void res.json({ ok: true }));
  adminApi.post("/api/actions/{*rest}", (req, res) => readingDoor(req, res));
  const app = createApp({
    gateway: async (req, res) => readingDoor(req, res),
    health,
    adminApi,
    dashboard: (req, res) => readingDoor(req, res),
    webGuards: webDoorGuards(env),
  });
  server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

interface Answer {
  status: number;
  body: string;
}

function send(method: string, path: string, headers: Record<string, string> = {}, body?: string | Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, method, path, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    // The server may close the connection before the body is sent; the answer is what counts.
    req.on("error", (error) => reject(error));
    req.end(body);
  });
}

/** Declares a body of `declared` bytes, sends only the headers, and returns the status line the hub answers with. */
function declareHugeBody(path: string, declared: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    let answer = "";
    const waited = setTimeout(() => socket.destroy(), 2_000);
    socket.on("data", (chunk) => (answer += chunk.toString("latin1")));
    socket.on("error", reject);
    socket.on("close", () => {
      clearTimeout(waited);
      resolve(answer.split("\r\n", 1)[0]);
    });
    socket.write(`POST ${path} HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: ${declared}\r\n\r\ntoken=`);
  });
}

const form = (size: number) => `token=${"x".repeat(size)}`;
const FORM = { "content-type": "application/x-www-form-urlencoded" };

describe("body limits", () => {
  it("refuses an oversized login or language form with 413 before the page reads it", async () => {
    delete read["/login"];
    const login = await send("POST", "/login", FORM, form(100 * 1024));
    expect(login.status).toBe(413);
    expect(read["/login"]).toBeUndefined();
    expect((await send("POST", "/lang", FORM, `lang=en&redirectTo=${"a".repeat(20_000)}`)).status).toBe(413);
    expect((await send("POST", "/api/auth/login", { "content-type": "application/json" }, JSON.stringify({ token: "x".repeat(20_000) }))).status).toBe(413);
    expect((await send("POST", "/login", FORM, form(100))).status).toBe(200);
  });

  it("answers a 50 MB declared body with 413 at once, without waiting for it", async () => {
    expect(await declareHugeBody("/login", 50 * 1024 * 1024)).toBe("HTTP/1.1 413 Payload Too Large");
    expect(await declareHugeBody("/dashboard/users", 50 * 1024 * 1024)).toBe("HTTP/1.1 413 Payload Too Large");
  });

  it("refuses a body without a length (chunked) with 411", async () => {
    expect((await send("POST", "/lang", { ...FORM, "transfer-encoding": "chunked" }, "lang=en")).status).toBe(411);
  });

  it("lets admin JSON up to 2 MiB through and refuses more", async () => {
    const json = { "content-type": "application/json" };
    expect((await send("POST", "/api/actions/users/list", json, Buffer.alloc(1024 * 1024, 0x20))).status).toBe(200);
    expect((await send("POST", "/api/actions/users/list", json, Buffer.alloc(3 * 1024 * 1024, 0x20))).status).toBe(413);
  });

  it("leaves the gateway's bodies and hosts to the gateway", async () => {
    const answer = await send("POST", "/v1/messages", { "content-type": "application/json", host: "anything.example" }, Buffer.alloc(3 * 1024 * 1024, 0x20));
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ bytes: 3 * 1024 * 1024 });
  });
});

describe("Host check (DNS rebinding)", () => {
  it("refuses the dashboard, login and admin API under an unknown host name", async () => {
    for (const [method, path] of [["GET", "/login"], ["POST", "/api/auth/login"], ["POST", "/api/actions/users/list"]]) {
      const answer = await send(method, path, { host: `rebind.attacker.example:${port}`, "content-type": "application/json" }, "{}");
      expect(answer.status, `${method} ${path}`).toBe(421);
      expect(answer.body).toContain("ALLOWED_HOSTS");
    }
  });

  it("answers to IP addresses, localhost names, APP_URL's host and ALLOWED_HOSTS", async () => {
    const hosts = [`127.0.0.1:${port}`, `[::1]:${port}`, "192.168.1.20:23000", `localhost:${port}`, "app.localhost", "hub.example.com", "hub.internal:8080", "corp.example", "hub.corp.example"];
    for (const host of hosts) expect((await send("GET", "/dashboard", { host })).status, host).toBe(200);
    expect((await send("GET", "/dashboard", { host: "evilcorp.example" })).status).toBe(421);
  });

  it("keeps health checks answering whatever the host", async () => {
    expect((await send("GET", "/api/health/live", { host: "10.1.2.3.nip.io" })).status).toBe(200);
  });
});

describe("cross-site requests", () => {
  it("refuses a cross-site login form, so it can neither log in nor count failures", async () => {
    delete read["/login"];
    const answer = await send("POST", "/login", { ...FORM, origin: "https://attacker.example" }, form(10));
    expect(answer.status).toBe(403);
    expect(read["/login"]).toBeUndefined();
  });

  it("treats Origin: null and Sec-Fetch-Site: cross-site as cross-site", async () => {
    expect((await send("POST", "/api/actions/users/list", { "content-type": "application/json", origin: "null" }, "{}")).status).toBe(403);
    expect((await send("POST", "/logout", { "sec-fetch-site": "cross-site" }, "")).status).toBe(403);
  });

  it("accepts same-origin posts, posts from the public origin, and clients that send no Origin", async () => {
    expect((await send("POST", "/login", { ...FORM, origin: `http://127.0.0.1:${port}`, "sec-fetch-site": "same-origin" }, form(10))).status).toBe(200);
    expect((await send("POST", "/login", { ...FORM, origin: "https://hub.example.com" }, form(10))).status).toBe(200);
    expect((await send("POST", "/api/actions/users/list", { "content-type": "application/json" }, "{}")).status).toBe(200);
    expect((await send("GET", "/dashboard", { origin: "https://attacker.example" })).status).toBe(200);
  });
});
