import { describe, expect, it } from "vitest";
import { Prisma } from "../generated/prisma/client.ts";
import type { Viewer } from "../trpc/trpc.ts";
import { logFilterWhere, logScopeWhere, logWhere, toLogItem, type LogRow } from "./logs.ts";

const ADMIN_TOKEN: Viewer = { kind: "admin", via: "admin_token" };
const ADMIN_USER: Viewer = { kind: "user", userId: 1, keyId: 10, role: "admin", canLoginWebUi: true };
const MEMBER: Viewer = { kind: "user", userId: 2, keyId: 20, role: "user", canLoginWebUi: true };
const MY_USAGE_KEY: Viewer = { kind: "user", userId: 2, keyId: 21, role: "user", canLoginWebUi: false };

describe("logScopeWhere", () => {
  it("lets admins see every row, a dashboard member their user's rows and a /my-usage key its own rows", () => {
    expect(logScopeWhere(ADMIN_TOKEN)).toEqual({});
    expect(logScopeWhere(ADMIN_USER)).toEqual({});
    expect(logScopeWhere(MEMBER)).toEqual({ userId: 2 });
    expect(logScopeWhere(MY_USAGE_KEY)).toEqual({ keyId: 21 });
    // An admin-role key without dashboard access is not an admin: its own rows only.
    expect(logScopeWhere({ ...ADMIN_USER, canLoginWebUi: false })).toEqual({ keyId: 10 });
  });
});

describe("logWhere", () => {
  const page = { page: 1, pageSize: 50 };

  it("turns every filter into a condition, the time range as [from, to)", () => {
    expect(
      logWhere(
        { ...page, from: "2026-03-01T00:00:00Z", to: "2026-03-02T00:00:00Z", userId: 3, keyId: 4, providerId: 5, model: "m", statusCode: 429, sessionId: "s", requestId: "r" },
        ADMIN_TOKEN,
      ),
    ).toEqual({
      createdAt: { gte: new Date("2026-03-01T00:00:00Z"), lt: new Date("2026-03-02T00:00:00Z") },
      userId: 3,
      keyId: 4,
      providerId: 5,
      model: "m",
      statusCode: 429,
      sessionId: "s",
      requestId: "r",
    });
    expect(logWhere(page, ADMIN_TOKEN)).toEqual({});
    expect(logWhere({ ...page, to: "2026-03-02T00:00:00Z" }, ADMIN_TOKEN)).toEqual({ createdAt: { lt: new Date("2026-03-02T00:00:00Z") } });
  });

  it("reads errorsOnly as status 400 or more, unless one status is asked for", () => {
    expect(logWhere({ ...page, errorsOnly: true }, ADMIN_TOKEN)).toEqual({ statusCode: { gte: 400 } });
    expect(logWhere({ ...page, errorsOnly: true, statusCode: 200 }, ADMIN_TOKEN)).toEqual({ statusCode: 200 });
  });

  it("ignores a member's provider filter and keeps them to their own rows whatever user they ask for", () => {
    expect(logWhere({ ...page, providerId: 5, userId: 99 }, MEMBER)).toEqual({ userId: 2 });
    expect(logWhere({ ...page, keyId: 99 }, MY_USAGE_KEY)).toEqual({ keyId: 21 });
  });
});

describe("logFilterWhere", () => {
  it("keeps a member's own user filter for the caller to AND with the scope, and still drops their provider filter", () => {
    expect(logFilterWhere({ providerId: 5, userId: 99 }, MEMBER)).toEqual({ userId: 99 });
    expect(logFilterWhere({ errorsOnly: false }, ADMIN_TOKEN)).toEqual({});
  });
});

describe("toLogItem", () => {
  const row: LogRow = {
    id: 42n,
    requestId: "req_1",
    createdAt: new Date("2026-03-01T10:00:00Z"),
    userId: 2,
    keyId: 20,
    providerId: 7,
    endpoint: "/v1/messages",
    apiFormat: "claude",
    isStream: true,
    inputTokens: 10,
    outputTokens: 20,
    cacheCreation5mTokens: 1,
    cacheCreation1hTokens: 2,
    cacheReadTokens: 3,
    costUsd: new Prisma.Decimal("0.001234567"),
    priceMissing: false,
    ttfbMs: 100,
    durationMs: 900,
    statusCode: 502,
    errorType: "upstream_http_error",
    blockedBy: null,
    retryCount: 1,
    conversion: null,
  };
  const texts = { model: "claude-x", redirectedModel: null, responseModel: null, errorMessage: "org acme-corp over its limit", sessionId: "s1", userAgent: "ua", clientIp: "10.0.0.1" };
  const names = { users: new Map([[2, "alice"]]), keys: new Map([[20, "laptop"]]), providers: new Map([[7, "acme-upstream"]]) };

  it("shows an admin the provider and the upstream's own error text", () => {
    expect(toLogItem(row, texts, names, true)).toMatchObject({
      id: "42",
      userName: "alice",
      keyName: "laptop",
      providerId: 7,
      providerName: "acme-upstream",
      model: "claude-x",
      costUsd: 0.001234567,
      errorMessage: "org acme-corp over its limit",
      sessionId: "s1",
    });
  });

  it("hides the provider and the upstream's error text from a member", () => {
    const item = toLogItem(row, texts, names, false);
    expect(item).toMatchObject({ providerId: null, providerName: "upstream", userName: "alice", costUsd: 0.001234567 });
    expect(item.errorMessage).not.toContain("acme");
    expect(item.errorMessage).toContain("HTTP 502");
  });

  it("shows a name it cannot find, and a missing price, as null", () => {
    const item = toLogItem({ ...row, userId: 9, costUsd: null }, texts, names, true);
    expect(item.userName).toBeNull();
    expect(item.costUsd).toBeNull();
  });
});
