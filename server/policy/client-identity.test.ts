import { describe, expect, it } from "vitest";
import { clientIdentity, judgeClient } from "./client-identity.ts";
import { userModelAllowed } from "./model-access.ts";

describe("client identity", () => {
  it("names the family of first-party CLIs and SDKs from the User-Agent", () => {
    expect(clientIdentity("claude-cli/2.0.14 (external, cli)").family).toBe("claude-code");
    expect(clientIdentity("codex_cli_rs/0.46.0 (Ubuntu 24.4.0; x86_64) xterm").family).toBe("codex-cli");
    expect(clientIdentity("codex_exec/0.50.0").family).toBe("codex-cli");
    expect(clientIdentity("GeminiCLI/0.9.0 (linux; x64)").family).toBe("gemini-cli");
    expect(clientIdentity("Anthropic/JS 0.65.0").family).toBe("sdk");
    expect(clientIdentity("OpenAI/Python 1.109.1").family).toBe("sdk");
    expect(clientIdentity("google-genai-sdk/1.30.0 gl-node/v20").family).toBe("sdk");
    expect(clientIdentity("curl/8.5.0").family).toBe("other");
    expect(clientIdentity(undefined)).toEqual({ family: "other", userAgent: "" });
  });

  it("bounds the User-Agent it keeps", () => {
    expect(clientIdentity("x".repeat(10_000)).userAgent).toHaveLength(1024);
  });
});

describe("client lists", () => {
  const codex = clientIdentity("codex_cli_rs/0.46.0");
  const script = clientIdentity("My-Script/1.0 (CI)");

  it("blocks by family or User-Agent substring, ignoring case, and says which rule", () => {
    expect(judgeClient([], ["codex-cli"], codex)).toEqual({ allowed: false, reason: "client_blocked", rule: "codex-cli" });
    expect(judgeClient([], ["my-script/"], script)).toEqual({ allowed: false, reason: "client_blocked", rule: "my-script/" });
    expect(judgeClient([], ["claude-code", "gemini-cli"], codex)).toEqual({ allowed: true });
  });

  it("lets an allow list through only the clients it names; a block wins over an allow", () => {
    expect(judgeClient(["claude-code"], [], codex)).toEqual({ allowed: false, reason: "client_not_allowed", rule: undefined });
    expect(judgeClient(["codex-cli"], [], codex)).toEqual({ allowed: true });
    expect(judgeClient(["other"], [], script)).toEqual({ allowed: true });
    expect(judgeClient(["codex-cli"], ["codex_cli_rs/0.46"], codex)).toMatchObject({ allowed: false, reason: "client_blocked" });
  });
});

describe("a user's allowed models", () => {
  it("uses the provider rule kinds, exact ignoring case; empty allows all", () => {
    expect(userModelAllowed([], "anything")).toBe(true);
    expect(userModelAllowed([{ match: "exact", pattern: "Claude-Sonnet-4-5" }], "claude-sonnet-4-5")).toBe(true);
    expect(userModelAllowed([{ match: "prefix", pattern: "claude-haiku" }], "claude-sonnet-4-5")).toBe(false);
    expect(userModelAllowed([{ match: "regex", pattern: "^gpt-5(-mini)?$" }], "gpt-5-mini")).toBe(true);
    expect(userModelAllowed([{ match: "suffix", pattern: "-mini" }, { match: "contains", pattern: "flash" }], "gemini-2.5-flash")).toBe(true);
  });
});
