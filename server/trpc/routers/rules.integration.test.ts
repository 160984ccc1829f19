/**
 * rules.* against a real hub: the default rules, create/update/delete with regex validation,
 * rules.test deciding as the gateway does (enabled rules, by priority), and admin-only access.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestHub, type TestHub } from "../../../test-support/hub.ts";

interface Rule {
  id: number;
  pattern: string;
  matchType: string;
  category: string;
  priority: number;
  isEnabled: boolean;
  isDefault: boolean;
  overrideMessage: string | null;
  overrideStatusCode: number | null;
}

let t: TestHub;
let webKey: string;

beforeAll(async () => {
  t = await startTestHub();
  const u = await t.admin<{ id: number }>("users/create", { name: "erin" });
  webKey = (await t.admin<{ key: string }>("keys/create", { userId: u.id, name: "web", canLoginWebUi: true })).key;
});

afterAll(async () => {
  await t?.stop();
});

const test = (text: string) => t.admin<{ matched: boolean; rule: Rule | null; message: string }>("rules/test", { text });

describe("error rules as an admin", () => {
  it("lists the default rules in matching order, and tests text against them", async () => {
    const { items } = await t.admin<{ items: Rule[] }>("rules/list", {});
    expect(items.length).toBeGreaterThan(10);
    expect(items.every((r) => r.isDefault)).toBe(true);
    const hit = await test(JSON.stringify({ type: "error", error: { type: "invalid_request_error", message: "prompt is too long: 250000 tokens > 200000 maximum" } }));
    expect(hit).toMatchObject({ matched: true, rule: { pattern: "prompt is too long", category: "client_error" }, message: "prompt is too long: 250000 tokens > 200000 maximum" });
    expect(await test("upstream connect error")).toMatchObject({ matched: false, rule: null });
  });

  it("refuses a regex that does not compile, on create and on update", async () => {
    const res = await t.adminRaw("rules/create", { pattern: "([unclosed", matchType: "regex", category: "client_error" });
    expect(res.status).toBe(400);
    // The issue's English as it always was, with the stable code and the engine's words beside it.
    const body = (await res.json()) as { issues: Array<{ path: string[]; message: string; params?: { hubCode?: string; hubVars?: { detail?: string } } }> };
    const [issue] = body.issues;
    expect(issue).toMatchObject({ path: ["pattern"], params: { hubCode: "rulePatternInvalid" } });
    expect(issue.message).toMatch(/^Not a valid regular expression: Invalid regular expression: \/\(\[unclosed\/i?: /);
    expect(issue.message).toBe(`Not a valid regular expression: ${issue.params?.hubVars?.detail}`);
    const rule = await t.admin<Rule>("rules/create", { pattern: "([unclosed", matchType: "contains", category: "client_error" });
    const update = await t.adminRaw("rules/update", { id: rule.id, matchType: "regex" });
    expect(update.status).toBe(400);
    expect(await update.json()).toMatchObject({ data: { hubCode: "rulePatternInvalid" }, issues: [{ path: ["pattern"], params: { hubCode: "rulePatternInvalid" } }] });
    await t.admin("rules/delete", { id: rule.id });
  });

  it("creates a rule that the gateway's matcher uses at once; priority decides between rules", async () => {
    const rule = await t.admin<Rule>("rules/create", {
      pattern: "quota (exceeded|exhausted) for org \\d+",
      matchType: "regex",
      category: "provider_quota",
      description: "Our relay's own quota message",
      retryable: true,
      countsTowardBreaker: true,
      overrideMessage: "The team's upstream quota is used up.",
      overrideStatusCode: 503,
      priority: 10,
    });
    expect(rule).toMatchObject({ isDefault: false, isEnabled: true, overrideStatusCode: 503 });
    expect(await test("Error: Quota exhausted for org 42")).toMatchObject({ matched: true, rule: { id: rule.id } });

    // A lower-priority rule matching the same text loses to it.
    const broad = await t.admin<Rule>("rules/create", { pattern: "quota", category: "rate_limit", priority: 1 });
    expect((await test("quota exceeded for org 7")).rule?.id).toBe(rule.id);
    await t.admin("rules/update", { id: broad.id, priority: 20 });
    expect((await test("quota exceeded for org 7")).rule?.id).toBe(broad.id);

    // Disabled rules do not match.
    await t.admin("rules/update", { id: broad.id, isEnabled: false });
    expect((await test("quota exceeded for org 7")).rule?.id).toBe(rule.id);

    await t.admin("rules/delete", { id: rule.id });
    expect(await test("quota exceeded for org 7")).toMatchObject({ matched: false });
    expect((await t.adminRaw("rules/delete", { id: rule.id })).status).toBe(404);
    await expect.poll(() => t.hub.db.prisma.auditLog.count({ where: { action: { startsWith: "rules." } } })).toBeGreaterThanOrEqual(5);
  });

  it("validates the override status and the category", async () => {
    expect((await t.adminRaw("rules/create", { pattern: "x", category: "client_error", overrideStatusCode: 200 })).status).toBe(400);
    expect((await t.adminRaw("rules/create", { pattern: "x", category: "Client Error" })).status).toBe(400);
  });
});

describe("error rules as a user", () => {
  it("is admin-only", async () => {
    expect((await t.adminRaw("rules/list", {}, webKey)).status).toBe(403);
    expect((await t.adminRaw("rules/test", { text: "x" }, webKey)).status).toBe(403);
    expect((await t.adminRaw("rules/create", { pattern: "x", category: "client_error" }, webKey)).status).toBe(403);
  });
});
