import { describe, expect, it } from "vitest";
import type { AuditLog } from "../generated/prisma/client.ts";
import { auditWhere, maskAuditValue, toAuditItem } from "./audit-log.ts";

describe("maskAuditValue", () => {
  it("masks credential-looking fields at any depth, leaving masked values and other fields alone", () => {
    expect(maskAuditValue({ apiKey: "sk-live-1", nested: [{ password: "hunter2" }], token: "****", name: "alpha" })).toEqual({
      apiKey: "****",
      nested: [{ password: "****" }],
      token: "****",
      name: "alpha",
    });
  });
});

describe("auditWhere", () => {
  it("maps each filter, a half-open time range and the id cursor", () => {
    expect(auditWhere({ actorType: "user", action: "keys.update", from: "2026-03-01T00:00:00Z", cursor: "42", limit: 50 })).toEqual({
      actorType: "user",
      action: "keys.update",
      createdAt: { gte: new Date("2026-03-01T00:00:00Z") },
      id: { lt: 42n },
    });
    expect(auditWhere({ limit: 50 })).toEqual({});
  });
});

describe("toAuditItem", () => {
  const row: AuditLog = {
    id: 7n,
    createdAt: new Date("2026-03-10T10:00:00Z"),
    actorType: "user",
    actorUserId: 2,
    actorKeyId: 20,
    actorIp: "203.0.113.9",
    action: "providers.update",
    targetType: "provider",
    targetId: "3",
    before: { key: "sk-ant-secret", note: "n".repeat(3000) },
    after: null,
    success: true,
    error: null,
  } as AuditLog;
  const names = { users: new Map([[2, "alice"]]), keys: new Map(), providers: new Map() };

  it("names the acting user, masks secrets and bounds long text", () => {
    const item = toAuditItem(row, names);
    expect(item).toMatchObject({ id: "7", actorName: "alice", after: null, createdAt: "2026-03-10T10:00:00.000Z" });
    const before = item.before as { key: string; note: string };
    expect(before.key).toBe("****");
    expect(before.note).toHaveLength(2001);
  });

  it("gives the admin token no name", () => {
    expect(toAuditItem({ ...row, actorType: "admin" }, names).actorName).toBeNull();
  });
});
