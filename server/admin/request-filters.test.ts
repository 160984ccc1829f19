import { describe, expect, it } from "vitest";
import type { RequestFilter } from "../generated/prisma/client.ts";
import { compileUnsaved, reorderedIds, responseSampleKind, runRequestFilters, runResponseFilters, toFilterView, validatedFilter, withChanges, type FilterFields } from "./request-filters.ts";

const anon: FilterFields = {
  name: "anon",
  description: "",
  phase: "request",
  scope: "body",
  action: "set",
  target: "metadata.user_id",
  matchPattern: null,
  value: "anon",
  priority: 0,
  isEnabled: true,
  bindingType: "global",
  providerIds: [],
  groupTags: [],
};

const hide: FilterFields = { ...anon, name: "hide", phase: "response", action: "replace", target: "delta.text", matchPattern: "secret", value: "[hidden]" };

const global = { id: 0, groups: [] };

describe("toFilterView", () => {
  const row: RequestFilter = { id: 2, ...anon, value: null, createdAt: new Date("2026-03-10T10:00:00Z"), updatedAt: new Date("2026-03-11T10:00:00Z") };

  it("shows the row with ISO times, and stored words it does not know as the engine reads them", () => {
    expect(toFilterView(row)).toEqual({ ...anon, id: 2, value: null, createdAt: "2026-03-10T10:00:00.000Z", updatedAt: "2026-03-11T10:00:00.000Z" });
    expect(toFilterView({ ...row, phase: "x", scope: "x", action: "x", bindingType: "x" })).toMatchObject({ phase: "request", scope: "body", action: "set", bindingType: "global" });
  });
});

describe("validatedFilter", () => {
  it("refuses a rule the gateway could not run, with the field it is about", () => {
    expect(validatedFilter(anon)).toBe(anon);
    expect(() => validatedFilter({ ...anon, action: "delete", target: "model" })).toThrow(expect.objectContaining({ hubCode: "filterModelDelete" }));
    expect(() => validatedFilter({ ...anon, scope: "header", target: "authorization" })).toThrow(expect.objectContaining({ hubCode: "filterHeaderProtected" }));
  });

  it("validates an update whole, leaving out what was not sent", () => {
    const stored = { ...anon, id: 2, createdAt: "", updatedAt: "" };
    expect(withChanges(stored, { priority: 3, name: undefined })).toEqual({ ...anon, priority: 3 });
  });
});

describe("reorderedIds", () => {
  const rows = [
    { id: 1, priority: 3 },
    { id: 2, priority: 2 },
    { id: 3, priority: 1 },
  ];

  it("puts the listed ids first and keeps the others in their run order", () => {
    expect(reorderedIds(rows, [3])).toEqual([3, 1, 2]);
    expect(reorderedIds(rows, [2, 3, 1])).toEqual([2, 3, 1]);
  });

  it("refuses an unknown id and one listed twice", () => {
    expect(() => reorderedIds(rows, [9])).toThrow(expect.objectContaining({ hubCode: "filterNotFound", hubVars: { id: 9 } }));
    expect(() => reorderedIds(rows, [1, 1])).toThrow(expect.objectContaining({ hubCode: "filterIdTwice" }));
  });
});

describe("dry runs", () => {
  it("tells how a pasted response body is read", () => {
    expect(responseSampleKind('  {"a":1}')).toBe("json");
    expect(responseSampleKind('[{"a":1}]')).toBe("json-array");
    expect(responseSampleKind("data: {}\n\n")).toBe("sse");
  });

  it("compiles unsaved filters enabled only, in run order", () => {
    const compiled = compileUnsaved([anon, { ...hide, priority: 5 }, { ...anon, name: "off", isEnabled: false }]);
    expect(compiled.map((f) => [f.id, f.name])).toEqual([
      [-2, "hide"],
      [-1, "anon"],
    ]);
  });

  it("runs the request filters on a sample, with header names lowercased", () => {
    const out = runRequestFilters(compileUnsaved([anon, hide]), global, { headers: { "X-Org": "acme" }, body: JSON.stringify({ metadata: { user_id: "alice" } }) });
    expect(out.before.headers).toEqual({ "x-org": "acme" });
    expect(JSON.parse(out.after.body)).toEqual({ metadata: { user_id: "anon" } });
    expect(out.ran.map((r) => r.name)).toEqual(["anon"]);
  });

  it("runs the response filters on pasted events that lost their last blank line, naming a filter that reached nothing", () => {
    const other = { ...hide, name: "other", target: "candidates[*].text" };
    const out = runResponseFilters(compileUnsaved([hide, other]), global, { headers: {}, body: 'data: {"delta":{"text":"a secret"}}' });
    expect(out.kind).toBe("sse");
    expect(out.after.body).toContain("a [hidden]");
    expect(out.ran.find((r) => r.name === "other")).toEqual({ id: -2, name: "other", applied: 0, skipped: 0, skipReason: "candidates[*].text: reached nothing in the sample" });
  });
});
