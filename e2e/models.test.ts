/** GET /v1/models and /v1beta/models with the official SDKs: the caller's groups only, each client's shape. */
import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedTenant, startTestHub, type TestHub } from "../test-support/hub.ts";

let t: TestHub;
let key: string;

beforeAll(async () => {
  t = await startTestHub();
  const s = await seedTenant(t, "http://127.0.0.1:9", {
    user: { providerGroup: "team-a" },
    provider: { groupTag: "team-a", allowedModels: [{ match: "exact", pattern: "claude-sonnet-4-5" }], modelRedirects: [{ match: "exact", pattern: "sonnet", target: "claude-sonnet-4-5" }] },
  });
  key = s.key.key;
  // A gemini provider of the same group that allows every model: lists the priced Gemini models.
  await t.admin("providers/create", { name: "g", url: "http://127.0.0.1:9", key: "AIza-x", providerType: "gemini", groupTag: "team-a" });
  // Another group's provider must not show.
  await t.admin("providers/create", { name: "other", url: "http://127.0.0.1:9", key: "k", providerType: "openai-compatible", groupTag: "team-b", allowedModels: [{ match: "exact", pattern: "gpt-secret" }] });
});
afterAll(async () => {
  await t?.stop();
});

describe("model listings", () => {
  it("lists the caller's models in OpenAI's shape", async () => {
    const page = await new OpenAI({ baseURL: `${t.url}/v1`, apiKey: key, maxRetries: 0 }).models.list();
    const ids = page.data.map((m) => m.id);
    expect(ids).toEqual(expect.arrayContaining(["claude-sonnet-4-5", "sonnet", "gemini-2.5-pro"]));
    expect(ids).not.toContain("gpt-secret");
  });

  it("answers Anthropic's shape to the Anthropic SDK", async () => {
    const page = await new Anthropic({ baseURL: t.url, apiKey: key, maxRetries: 0 }).models.list();
    expect(page.data.map((m) => m.id)).toContain("claude-sonnet-4-5");
    expect(page.data[0]).toMatchObject({ type: "model" });
  });

  it("answers Gemini's shape on /v1beta/models, Gemini providers only", async () => {
    const ai = new GoogleGenAI({ apiKey: key, httpOptions: { baseUrl: t.url } });
    const names: string[] = [];
    for await (const m of await ai.models.list()) names.push(m.name ?? "");
    expect(names).toContain("models/gemini-2.5-flash");
    expect(names.some((n) => n.includes("claude"))).toBe(false);
  });

  it("keeps only the models the user's allowed-model rules match", async () => {
    const restricted = await seedTenant(t, "http://127.0.0.1:9", {
      user: { providerGroup: "team-a", allowedModels: [{ match: "prefix", pattern: "gemini-2.5-f" }, "SONNET"] },
      provider: { groupTag: "team-a", providerType: "gemini" },
    });
    const page = await new OpenAI({ baseURL: `${t.url}/v1`, apiKey: restricted.key.key, maxRetries: 0 }).models.list();
    const ids = page.data.map((m) => m.id);
    expect(ids).toEqual(expect.arrayContaining(["gemini-2.5-flash", "sonnet"]));
    expect(ids).not.toContain("gemini-2.5-pro");
    expect(ids).not.toContain("claude-sonnet-4-5");
  });

  it("refuses an unknown key", async () => {
    const res = await fetch(`${t.url}/v1/models`, { headers: { authorization: "Bearer sk-nope" } });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { type: string } }).error.type).toBe("authentication_error");
  });
});
