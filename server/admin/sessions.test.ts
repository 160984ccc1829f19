import { describe, expect, it } from "vitest";
import { Prisma } from "../generated/prisma/client.ts";
import { clientLabel, toSessionItem, type SessionRow } from "./sessions.ts";

describe("clientLabel", () => {
  it("takes the User-Agent's leading product token, at most 60 characters", () => {
    expect(clientLabel("claude-cli/2.0.14 (external, cli)")).toBe("claude-cli/2.0.14");
    expect(clientLabel("  codex_cli_rs/0.50.0 (Mac OS 15.0)")).toBe("codex_cli_rs/0.50.0");
    expect(clientLabel("x".repeat(100))).toBe("x".repeat(60));
    expect(clientLabel(null)).toBeNull();
    expect(clientLabel("   ")).toBeNull();
  });
});

describe("toSessionItem", () => {
  const row: SessionRow = {
    key_id: 20,
    session_id: "sess-1",
    user_id: 2,
    first_at: new Date("2026-03-10T10:00:00Z"),
    last_at: new Date("2026-03-10T11:00:00Z"),
    requests: 4,
    failures: 1,
    tokens: 12_345n,
    cost_usd: new Prisma.Decimal("0.5"),
    last_model: "claude-x",
    last_provider_id: 7,
    user_agent: "claude-cli/2.0.14 (external, cli)",
  };
  const names = { users: new Map([[2, "alice"]]), keys: new Map([[20, "laptop"]]), providers: new Map([[7, "acme"], [8, "beta"]]) };
  const lastAt = row.last_at.getTime();

  it("shows an admin the bound provider and the one that served the last request", () => {
    expect(toSessionItem(row, 8, names, true, lastAt - 1)).toMatchObject({
      keyName: "laptop",
      userName: "alice",
      client: "claude-cli/2.0.14",
      clientFamily: "claude-code",
      boundProviderId: 8,
      boundProviderName: "beta",
      lastProviderName: "acme",
      tokens: 12_345,
      costUsd: 0.5,
      startedAt: "2026-03-10T10:00:00.000Z",
      active: true,
    });
    // A provider whose name is gone is shown by its id.
    expect(toSessionItem(row, 9, names, true, lastAt).boundProviderName).toBe("#9");
  });

  it("shows a member no provider, and a session idle since before the TTL as inactive", () => {
    const item = toSessionItem(row, null, names, false, lastAt + 1);
    expect(item).toMatchObject({ boundProviderId: null, boundProviderName: null, lastProviderName: null, active: false });
  });
});
