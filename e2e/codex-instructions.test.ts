/**
 * The Codex instructions strategy of `codex` providers end to end (manual §5.3): the openai SDK
 * talks to a real hub whose codex providers answer through the fake upstream; what the upstream
 * received shows whose instructions it got.
 */
import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { OFFICIAL_CODEX_INSTRUCTIONS } from "../server/gateway/providers/codex/official-instructions.ts";
import { startFakeUpstream, type FakeUpstream } from "./fake-upstream/index.ts";
import { seedTenant, startTestHub, type TestHub } from "../test-support/hub.ts";

let fake: FakeUpstream;
let t: TestHub;

/** A client of a tenant whose only provider is a codex provider with these settings (its own group). */
async function codexClient(group: string, provider: Record<string, unknown>) {
  const tenant = await seedTenant(t, `${fake.url}/v1`, { providerType: "codex", user: { providerGroup: group }, provider: { groupTag: group, ...provider } });
  return new OpenAI({ baseURL: `${t.url}/v1`, apiKey: tenant.key.key, maxRetries: 0 });
}

const instructionsSent = () => fake.requests.map((r) => (r.json as { instructions?: string }).instructions);

beforeAll(async () => {
  fake = await startFakeUpstream();
  t = await startTestHub();
});

afterAll(async () => {
  await t?.stop();
  await fake?.close();
});

beforeEach(() => fake.reset());

describe("codex instructions strategy", () => {
  it("auto keeps the client's instructions, and retries once with the official ones when the upstream refuses them", async () => {
    const client = await codexClient("codex-auto", {});
    fake.enqueue({ text: "kept" });
    const kept = await client.responses.create({ model: "gpt-5", instructions: "My own rules", input: "hi" });
    expect(kept.output_text).toBe("kept");
    expect(instructionsSent()).toEqual(["My own rules"]);

    fake.reset();
    fake.enqueue({ kind: "status", status: 400, message: "Instructions are not valid" }, { text: "after retry" });
    const retried = await client.responses.create({ model: "gpt-5", instructions: "My own rules", input: "hi" });
    expect(retried.output_text).toBe("after retry");
    expect(instructionsSent()).toEqual(["My own rules", OFFICIAL_CODEX_INSTRUCTIONS]);

    // A refusal of the official text too is the upstream's answer: no second retry.
    fake.reset();
    fake.enqueue({ kind: "status", status: 400, message: "Instructions are not valid" }, { kind: "status", status: 400, message: "Instructions are not valid" }, { text: "never" });
    const error = await client.responses.create({ model: "gpt-5", instructions: "My own rules", input: "hi" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(fake.requests).toHaveLength(2);
  });

  it("official always sends Codex CLI's instructions", async () => {
    const client = await codexClient("codex-official", { codexInstructionsStrategy: "official" });
    fake.enqueue({ text: "ok" });
    await client.responses.create({ model: "gpt-5", instructions: "My own rules", input: "hi" });
    expect(instructionsSent()).toEqual([OFFICIAL_CODEX_INSTRUCTIONS]);
  });

  it("custom sends the admin's text, also when the client sent none, streaming included", async () => {
    const client = await codexClient("codex-custom", { codexInstructionsStrategy: "custom", codexInstructions: "Answer in French." });
    fake.enqueue({ text: "oui" });
    const stream = client.responses.stream({ model: "gpt-5", input: "hi" });
    const final = await stream.finalResponse();
    expect(final.output_text).toBe("oui");
    expect(instructionsSent()).toEqual(["Answer in French."]);
  });

  it("the admin API refuses the custom strategy without a text, and over 64 KiB", async () => {
    const noText = await seedTenant(t, fake.url, { providerType: "codex", provider: { codexInstructionsStrategy: "custom" } }).catch((e: unknown) => e);
    expect(String(noText)).toMatch(/providers\/create → 400: .*needs the instructions text/);
    const tooLong = await seedTenant(t, fake.url, { providerType: "codex", provider: { codexInstructionsStrategy: "custom", codexInstructions: "x".repeat(64 * 1024 + 1) } }).catch((e: unknown) => e);
    expect(String(tooLong)).toMatch(/providers\/create → 400: .*64 KiB/);
  });
});
