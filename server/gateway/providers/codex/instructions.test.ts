import { describe, expect, it } from "vitest";
import type { ProviderType } from "../../../catalog/types.ts";
import type { UpstreamRequest } from "../../formats/types.ts";
import { codexInstructions, retryWithOfficialInstructions, setInstructions } from "./instructions.ts";
import { OFFICIAL_CODEX_INSTRUCTIONS } from "./official-instructions.ts";

const upstream = (body: object | string): UpstreamRequest => ({ path: "/v1/responses", search: "", body: Buffer.from(typeof body === "string" ? body : JSON.stringify(body)), usageInjected: false });
const codex = (codexInstructionsStrategy: "auto" | "official" | "custom", codexInstructions: string | null = null) => ({ providerType: "codex" as ProviderType, codexInstructionsStrategy, codexInstructions });
const instructionsOf = (u: UpstreamRequest) => (JSON.parse(u.body.toString("utf8")) as { instructions?: string }).instructions;
const refusal = { class: "http_error", status: 400, body: Buffer.from('{"detail":"Instructions are not valid"}') };

describe("codex instructions strategy", () => {
  it("auto keeps the client's instructions, byte for byte", () => {
    const original = upstream('{"model":"gpt-5","instructions":"Mine","input":"hi"}');
    expect(codexInstructions({}, codex("auto"), original)).toBe(original);
  });

  it("official replaces the client's instructions with Codex CLI's", () => {
    const out = codexInstructions({}, codex("official"), upstream({ model: "gpt-5", instructions: "Mine", input: [{ role: "user", content: "hi" }] }));
    expect(JSON.parse(out.body.toString("utf8"))).toEqual({ model: "gpt-5", instructions: OFFICIAL_CODEX_INSTRUCTIONS, input: [{ role: "user", content: "hi" }] });
  });

  it("custom sets the admin's text, adding the field when the client sent none", () => {
    expect(instructionsOf(codexInstructions({}, codex("custom", "Admin's \"rules\"\n"), upstream({ model: "gpt-5", input: "hi" })))).toBe('Admin\'s "rules"\n');
    expect(instructionsOf(codexInstructions({}, codex("custom", ""), upstream({ model: "gpt-5" })))).toBe(OFFICIAL_CODEX_INSTRUCTIONS);
  });

  it("leaves other provider types alone whatever their setting", () => {
    const original = upstream({ model: "gpt-4o", messages: [] });
    expect(codexInstructions({}, { ...codex("official"), providerType: "openai-compatible" as ProviderType }, original)).toBe(original);
  });

  it("auto retries once with the official instructions after the upstream refused the client's", () => {
    const request = {};
    const provider = codex("auto");
    expect(retryWithOfficialInstructions(request, provider, refusal)).toBe(true);
    expect(instructionsOf(codexInstructions(request, provider, upstream({ model: "gpt-5", instructions: "Mine" })))).toBe(OFFICIAL_CODEX_INSTRUCTIONS);
    // Only once: a refusal of the official text too is the upstream's answer.
    expect(retryWithOfficialInstructions(request, provider, refusal)).toBe(false);
    // Another request starts with its client's instructions again.
    expect(instructionsOf(codexInstructions({}, provider, upstream({ model: "gpt-5", instructions: "Mine" })))).toBe("Mine");
  });

  it.each([
    ["another 400", { ...refusal, body: Buffer.from('{"error":{"message":"Unsupported parameter: temperature"}}') }, codex("auto")],
    ["a 500 that mentions instructions", { ...refusal, status: 500 }, codex("auto")],
    ["a refusal on an official provider", refusal, codex("official")],
    ["a network failure", { class: "network" }, codex("auto")],
  ])("does not retry %s", (_name, failure, provider) => {
    expect(retryWithOfficialInstructions({}, provider, failure)).toBe(false);
  });

  it("writes into any JSON object shape", () => {
    expect(setInstructions(Buffer.from("{}"), "x").toString()).toBe('{"instructions":"x"}');
    expect(setInstructions(Buffer.from(' { "model" : "m" } '), "x").toString()).toBe(' {"instructions":"x", "model" : "m" } ');
    expect(setInstructions(Buffer.from('{"instructions":null,"a":1}'), "y").toString()).toBe('{"instructions":"y","a":1}');
    expect(setInstructions(Buffer.from("not json"), "x").toString()).toBe("not json");
  });
});
