/**
 * groups.* against a real hub: create/update/delete provider groups, their cost multiplier in
 * the gateway's cache, provider counts, and admin-only access.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestHub, type TestHub } from "../../../test-support/hub.ts";

interface Group {
  id: number;
  name: string;
  costMultiplier: number;
  description: string;
  providerCount: number;
}

let t: TestHub;
let webKey: string;

beforeAll(async () => {
  t = await startTestHub();
  const u = await t.admin<{ id: number }>("users/create", { name: "frank" });
  webKey = (await t.admin<{ key: string }>("keys/create", { userId: u.id, name: "web", canLoginWebUi: true })).key;
  await t.admin("providers/create", { name: "p1", url: "https://a.example", key: "k-1", providerType: "claude", groupTag: "vip, cn" });
  await t.admin("providers/create", { name: "p2", url: "https://b.example", key: "k-2", providerType: "claude", groupTag: "vip" });
  await t.admin("providers/create", { name: "p3", url: "https://c.example", key: "k-3", providerType: "claude" });
});

afterAll(async () => {
  await t?.stop();
});

const list = () => t.admin<{ items: Group[]; untracked: string[] }>("groups/list", {});

describe("groups as an admin", () => {
  it("lists the groups providers carry that have no row yet", async () => {
    expect(await list()).toEqual({ items: [], untracked: ["cn", "default", "vip"] });
  });

  it("creates, updates and deletes a group; the gateway's multiplier follows", async () => {
    const vip = await t.admin<Group>("groups/create", { name: "vip", costMultiplier: 1.5, description: "priority lane" });
    expect(vip).toMatchObject({ name: "vip", costMultiplier: 1.5, providerCount: 2 });
    expect(t.hub.catalog.groupMultiplier("vip")).toBe(1.5);
    expect((await list()).untracked).toEqual(["cn", "default"]);

    expect((await t.adminRaw("groups/create", { name: "vip" })).status).toBe(409);
    expect((await t.adminRaw("groups/create", { name: "a,b" })).status).toBe(400);
    expect((await t.adminRaw("groups/create", { name: "neg", costMultiplier: -1 })).status).toBe(400);

    const updated = await t.admin<Group>("groups/update", { id: vip.id, costMultiplier: 2, description: "" });
    expect(updated).toMatchObject({ costMultiplier: 2, description: "" });
    expect(t.hub.catalog.groupMultiplier("vip")).toBe(2);

    await t.admin("groups/delete", { id: vip.id });
    expect(t.hub.catalog.groupMultiplier("vip")).toBe(1);
    expect((await list()).items).toEqual([]);
    expect((await t.adminRaw("groups/update", { id: vip.id, costMultiplier: 3 })).status).toBe(404);
  });
});

describe("groups as a user", () => {
  it("is admin-only", async () => {
    expect((await t.adminRaw("groups/list", {}, webKey)).status).toBe(403);
    expect((await t.adminRaw("groups/create", { name: "mine" }, webKey)).status).toBe(403);
  });
});
