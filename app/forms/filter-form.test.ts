import { describe, expect, it } from "vitest";
import { parseForm } from "./form-data.ts";
import { filterFormSchema, filterTestSchema, formatFilterValue } from "./filter-form.ts";

function form(fields: Record<string, string>) {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.set(k, v);
  return data;
}

const base = { name: "tag", phase: "request", scope: "body", action: "set", target: "metadata", matchPattern: "", value: "", priority: "0", isEnabled: "on", bindingType: "global", providerIds: "", groupTags: "" };

describe("the request filter form", () => {
  it("reads a body value as JSON when it is JSON, else as text, and shows it back the same way", () => {
    const json = parseForm(filterFormSchema, form({ ...base, value: '{"team":"blue"}' }));
    expect(json).toMatchObject({ ok: true, data: { value: { team: "blue" }, matchPattern: null } });
    const text = parseForm(filterFormSchema, form({ ...base, value: "plain words" }));
    expect(text).toMatchObject({ ok: true, data: { value: "plain words" } });
    expect(formatFilterValue({ team: "blue" })).toBe('{"team":"blue"}');
    expect(formatFilterValue("plain words")).toBe("plain words");
  });

  it("keeps header values and replacements as text, and the ids and groups as lists", () => {
    const header = parseForm(filterFormSchema, form({ ...base, scope: "header", target: "x-n", value: "42", bindingType: "providers", providerIds: "3, 7, x", groupTags: "a, b" }));
    expect(header).toMatchObject({ ok: true, data: { value: "42", providerIds: [3, 7], groupTags: ["a", "b"] } });
    const replace = parseForm(filterFormSchema, form({ ...base, action: "replace", matchPattern: "a+", value: "b" }));
    expect(replace).toMatchObject({ ok: true, data: { matchPattern: "a+", value: "b" } });
  });

  it("reads the tester's header lines and refuses a malformed one", () => {
    expect(parseForm(filterTestSchema, form({ body: "{}", headers: "user-agent: x/1", providerId: "" }))).toMatchObject({ ok: true, data: { headers: { "user-agent": "x/1" }, providerId: null } });
    expect(parseForm(filterTestSchema, form({ body: "{}", headers: "nonsense", providerId: "2" }))).toMatchObject({ ok: false, fieldErrors: { headers: "form.headerLine|line=1" } });
  });

  it("reads the tester's optional sample response with its header lines", () => {
    expect(parseForm(filterTestSchema, form({ body: "{}", providerId: "" }))).toMatchObject({ ok: true, data: { responseBody: "", responseHeaders: {} } });
    const withResponse = parseForm(filterTestSchema, form({ body: "{}", providerId: "", responseBody: 'data: {"a":1}', responseHeaders: "x-trace: 1" }));
    expect(withResponse).toMatchObject({ ok: true, data: { responseBody: 'data: {"a":1}', responseHeaders: { "x-trace": "1" } } });
  });
});
