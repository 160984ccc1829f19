/**
 * audit.* against a real hub: admin changes made over the API appear newest first with who,
 * when, what, before and after; filters by actor, entity, action and time range; keyset pages;
 * secrets masked; members refused. And a guard: every mutation of the router writes an audit
 * row (or is listed here as not changing anything), so a new admin procedure cannot forget it.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestHub, type TestHub } from "../../../test-support/hub.ts";
import { appRouter } from "../root.ts";
import { maskAuditValue } from "./audit.ts";

let t: TestHub;
let bossKey: string;
let bossId: number;
let memberKey: string;

interface AuditItem {
  id: string;
  createdAt: string;
  actorType: string;
  actorUserId: number | null;
  actorName: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}
type Page = { items: AuditItem[]; nextCursor: string | null };

/** Audit rows are written just after the change (off its path): wait for the n-th before the next change. */
async function auditRows(n: number) {
  while ((await t.hub.db.prisma.auditLog.count()) < n) await new Promise((r) => setTimeout(r, 10));
}

beforeAll(async () => {
  t = await startTestHub();
  const boss = await t.admin<{ id: number }>("users/create", { name: "boss", role: "admin" });
  await auditRows(1);
  bossId = boss.id;
  bossKey = (await t.admin<{ key: string }>("keys/create", { userId: boss.id, name: "boss-web", canLoginWebUi: true })).key;
  await auditRows(2);
  const member = await t.admin<{ id: number }>("users/create", { name: "member" });
  await auditRows(3);
  memberKey = (await t.admin<{ key: string }>("keys/create", { userId: member.id, name: "member-web", canLoginWebUi: true })).key;
  await auditRows(4);
  // A change made by an admin user's key rather than the admin token.
  const res = await t.adminRaw("providers/create", { name: "alpha", url: "https://api.example.com", key: "sk-upstream-supersecret-1234", providerType: "claude" }, bossKey);
  expect(res.status).toBe(200);
  await auditRows(5);
  await t.admin("settings/update", { siteTitle: "Audited Hub" });
  await auditRows(6);
});

afterAll(async () => {
  await t?.stop();
});

const list = (input: Record<string, unknown> = {}, token?: string) =>
  token ? t.adminRaw("audit/list", input, token) : t.admin<Page>("audit/list", input);

describe("audit.list", () => {
  it("shows every admin change newest first: who, when, what, before and after", async () => {
    const page = (await list()) as Page;
    expect(page.items.map((i) => i.action)).toEqual(["settings.update", "providers.create", "keys.create", "users.create", "keys.create", "users.create"]);
    const settings = page.items[0];
    expect(settings).toMatchObject({ actorType: "admin", actorName: null, targetType: "settings", targetId: "1" });
    expect(settings.before).toMatchObject({ siteTitle: "Claude Code Hub" });
    expect(settings.after).toMatchObject({ siteTitle: "Audited Hub" });
    expect(page.items[1]).toMatchObject({ actorType: "user", actorUserId: bossId, actorName: "boss", targetType: "provider" });
    expect(Date.parse(page.items[0].createdAt)).toBeGreaterThanOrEqual(Date.parse(page.items[5].createdAt));
  });

  it("never shows a secret", async () => {
    const page = (await list({ action: "providers.create" })) as Page;
    expect(page.items).toHaveLength(1);
    expect(JSON.stringify(page)).not.toContain("supersecret");
    const keys = (await list({ action: "keys.create" })) as Page;
    expect(JSON.stringify(keys)).not.toContain(bossKey);
    expect(JSON.stringify(keys)).not.toContain(memberKey);
  });

  it("filters by actor, entity, action and time range", async () => {
    expect(((await list({ actorUserId: bossId })) as Page).items.map((i) => i.action)).toEqual(["providers.create"]);
    expect(((await list({ actorType: "admin", targetType: "key" })) as Page).items.map((i) => i.action)).toEqual(["keys.create", "keys.create"]);
    expect(((await list({ action: "users.create" })) as Page).items).toHaveLength(2);
    const all = ((await list()) as Page).items;
    const newest = all[0].createdAt;
    const future = new Date(Date.parse(newest) + 60_000).toISOString();
    expect(((await list({ from: future })) as Page).items).toEqual([]);
    expect(((await list({ to: future })) as Page).items).toHaveLength(6);
    expect(((await list({ to: all[5].createdAt })) as Page).items).toEqual([]);
  });

  it("pages by cursor without repeats or gaps", async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 10; i++) {
      const page = (await list({ limit: 4, ...(cursor ? { cursor } : {}) })) as Page;
      seen.push(...page.items.map((x) => x.id));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    const all = ((await list()) as Page).items.map((x) => x.id);
    expect(seen).toEqual(all);
  });

  it("offers the actions, entities and actors present", async () => {
    const options = await t.admin<{ actions: string[]; targetTypes: string[]; actors: Array<{ id: number; name: string }> }>("audit/filterOptions", {});
    expect(options.actions).toEqual(["keys.create", "providers.create", "settings.update", "users.create"]);
    expect(options.targetTypes).toEqual(["key", "provider", "settings", "user"]);
    expect(options.actors).toEqual([{ id: bossId, name: "boss" }]);
  });

  it("refuses members with 403", async () => {
    expect((await list({}, memberKey) as Response).status).toBe(403);
    expect((await t.adminRaw("audit/filterOptions", {}, memberKey)).status).toBe(403);
  });
});

describe("masking", () => {
  it("masks credential-looking fields that are not masked already, and leaves masked ones", () => {
    expect(maskAuditValue({ key: "sk-ant-api03-abcdef", token: "••••", nested: { secret: "x1" }, password: "****", name: "alpha" })).toEqual({
      key: "****",
      token: "••••",
      nested: { secret: "****" },
      password: "****",
      name: "alpha",
    });
    expect(maskAuditValue({ key: "sk-a…9f2c" })).toEqual({ key: "sk-a…9f2c" });
  });
});

describe("coverage", () => {
  /** Mutations that change no configuration (they send or probe something). */
  const NOT_CHANGES = new Set(["providers.test", "notifications.test"]);

  it("every admin mutation writes an audit row", () => {
    const dir = path.join(import.meta.dirname);
    const sources = readdirSync(dir)
      .filter((f) => f.endsWith(".ts") && !f.includes(".test."))
      .map((f) => readFileSync(path.join(dir, f), "utf8"))
      .join("\n");
    const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>;
    const mutations = Object.entries(procedures).filter(([, p]) => p._def.type === "mutation").map(([name]) => name);
    expect(mutations.length).toBeGreaterThan(20);
    const missing = mutations.filter((name) => !NOT_CHANGES.has(name) && !sources.includes(`audit(ctx, "${name}"`));
    expect(missing, "mutations without an audit(ctx, \"<procedure>\", …) call").toEqual([]);
  });
});
