import { describe, expect, it } from "vitest";
import { compareVersions, parseClientUserAgent } from "./check-client-version.ts";

describe("client version check", () => {
  it("reads name/version from the User-Agents of the CLIs", () => {
    expect(parseClientUserAgent("claude-cli/2.0.14 (external, cli)")).toEqual({ client: "claude-cli", version: "2.0.14" });
    expect(parseClientUserAgent("codex_cli_rs/0.46.0 (Ubuntu 24.4.0; x86_64) xterm")).toEqual({ client: "codex_cli_rs", version: "0.46.0" });
    expect(parseClientUserAgent("GeminiCLI/0.9.0 (linux; x64)")).toEqual({ client: "GeminiCLI", version: "0.9.0" });
  });

  it("leaves alone what does not parse", () => {
    expect(parseClientUserAgent("Anthropic/JS 0.60.0")).toBeUndefined();
    expect(parseClientUserAgent(undefined)).toBeUndefined();
    expect(parseClientUserAgent("")).toBeUndefined();
  });

  it("compares versions by numeric segment", () => {
    expect(compareVersions("1.0.9", "1.0.10")).toBeLessThan(0);
    expect(compareVersions("2.0", "2.0.0")).toBe(0);
    expect(compareVersions("0.46.1", "0.46.0")).toBeGreaterThan(0);
  });
});
