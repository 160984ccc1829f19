import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Agent } from "undici";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { CachedProvider } from "../../../catalog/types.ts";
import { codeAssistProject } from "./project.ts";

/** A loopback Code Assist whose answers each test sets. */
let server: Server;
let base: string;
const dispatcher = new Agent();
let answers: Record<string, unknown>;
let seen: string[];

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const path = req.url ?? "";
      seen.push(`${req.method} ${path}`);
      const answer = Object.entries(answers).find(([suffix]) => path.endsWith(suffix))?.[1];
      res.setHeader("content-type", "application/json");
      res.statusCode = answer === undefined ? 404 : 200;
      res.end(JSON.stringify(answer ?? { error: { code: 404 } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await dispatcher.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  seen = [];
});

let ids = 0;
const provider = () => ({ id: ++ids, url: base, secret: `s-${ids}`, providerType: "gemini-cli", customHeaders: {} }) as unknown as CachedProvider;
const noWait = () => Promise.resolve();

describe("the Code Assist project of a provider", () => {
  it("onboards a new account with the default tier and polls the operation until it is done", async () => {
    answers = {
      ":loadCodeAssist": { allowedTiers: [{ id: "standard-tier" }, { id: "free-tier", isDefault: true }] },
      ":onboardUser": { name: "operations/op-1", done: false },
      "/operations/op-1": { name: "operations/op-1", done: true, response: { cloudaicompanionProject: { id: "proj-1" } } },
    };
    expect(await codeAssistProject(provider(), {}, dispatcher, Date.now(), noWait)).toBe("proj-1");
    expect(seen).toEqual(["POST /v1internal:loadCodeAssist", "POST /v1internal:onboardUser", "GET /v1internal/operations/op-1"]);
  });

  it("gives up on an operation that never finishes, after a bounded number of polls", async () => {
    answers = { ":loadCodeAssist": {}, ":onboardUser": { name: "operations/slow", done: false }, "/operations/slow": { name: "operations/slow", done: false } };
    await expect(codeAssistProject(provider(), {}, dispatcher, Date.now(), noWait)).rejects.toThrow(/did not finish in time/);
    expect(seen.filter((s) => s.startsWith("GET")).length).toBeLessThanOrEqual(6);
  });

  it("never puts an operation name that could leave its path into a URL", async () => {
    answers = { ":loadCodeAssist": {}, ":onboardUser": { name: "operations/../../v1internal:evil", done: false } };
    await expect(codeAssistProject(provider(), {}, dispatcher, Date.now(), noWait)).rejects.toThrow(/without a usable name/);
    expect(seen).toEqual(["POST /v1internal:loadCodeAssist", "POST /v1internal:onboardUser"]);
  });

  it("does not onboard an account that has a tier but no project; says to configure the project", async () => {
    answers = { ":loadCodeAssist": { currentTier: { id: "standard-tier" } } };
    await expect(codeAssistProject(provider(), {}, dispatcher, Date.now(), noWait)).rejects.toThrow(/x-goog-user-project/);
    expect(seen).toEqual(["POST /v1internal:loadCodeAssist"]);
  });

  it("reports a failed onboarding operation", async () => {
    answers = { ":loadCodeAssist": {}, ":onboardUser": { name: "operations/x", done: true, error: { code: 9, message: "Precondition failed" } } };
    await expect(codeAssistProject(provider(), {}, dispatcher, Date.now(), noWait)).rejects.toThrow(/onboarding the Code Assist account failed: Precondition failed/);
  });
});
