import { describe, expect, it } from "vitest";
import { applyToDocument, applyToHeaders } from "./apply.ts";
import { FilterPathError, parsePath } from "./path.ts";
import { compileFilter, FilterRuleError, type FilterDefinition } from "./rules.ts";
import { SseEventFilter } from "./sse.ts";

function filter(overrides: Partial<FilterDefinition>) {
  return compileFilter({
    id: 1,
    name: "f",
    phase: "request",
    scope: "body",
    action: "set",
    target: "metadata.user_id",
    matchPattern: null,
    value: "x",
    priority: 0,
    isEnabled: true,
    bindingType: "global",
    providerIds: [],
    groupTags: [],
    ...overrides,
  });
}

describe("paths", () => {
  it("reads members, indexes, [*] and quoted names, with or without $", () => {
    expect(parsePath("$.messages[0].content")).toEqual([
      { kind: "key", name: "messages" },
      { kind: "index", index: 0 },
      { kind: "key", name: "content" },
    ]);
    expect(parsePath('tools[*]["odd.key"]')).toEqual([{ kind: "key", name: "tools" }, { kind: "each" }, { kind: "key", name: "odd.key" }]);
  });

  it.each(["", "$", "a..b", "a[", "a[x]", "1abc", "a.[0]"])("refuses %j with the reason", (path) => {
    expect(() => parsePath(path)).toThrow(FilterPathError);
  });
});

describe("body actions", () => {
  it("sets a member, creating it when its parent exists", () => {
    const doc = { metadata: {} as Record<string, unknown> };
    expect(applyToDocument(filter({ value: { team: "a" } }), doc)).toEqual({ applied: true });
    expect(doc.metadata.user_id).toEqual({ team: "a" });
  });

  it("skips a set whose parent is absent, saying so, and leaves the document alone", () => {
    const doc = { model: "m" };
    expect(applyToDocument(filter({}), doc)).toEqual({ applied: false, reason: "metadata.user_id: its parent is absent" });
    expect(doc).toEqual({ model: "m" });
  });

  it("deletes every element [*] reaches without skipping any", () => {
    const doc = { tools: [{ a: 1, cache: 1 }, { cache: 2 }, { cache: 3 }] };
    expect(applyToDocument(filter({ action: "delete", target: "tools[*].cache" }), doc).applied).toBe(true);
    expect(doc).toEqual({ tools: [{ a: 1 }, {}, {}] });
    const list = { stop: ["a", "b", "c"] };
    applyToDocument(filter({ action: "delete", target: "stop[*]" }), list);
    expect(list.stop).toEqual([]);
  });

  it("replaces with a regex in text values and skips values of another type", () => {
    const doc = { system: "You are Claude Code, by Anthropic.", n: 3 };
    expect(applyToDocument(filter({ action: "replace", target: "system", matchPattern: "Claude (\\w+)", value: "Relay $1" }), doc).applied).toBe(true);
    expect(doc.system).toBe("You are Relay Code, by Anthropic.");
    expect(applyToDocument(filter({ action: "replace", target: "n", matchPattern: "3", value: "4" }), doc)).toEqual({ applied: false, reason: "n: not text" });
    expect(doc.n).toBe(3);
  });

  it("runs a pattern that backtracking engines stall on in linear time", () => {
    const doc = { s: `${"a".repeat(50_000)}c` };
    applyToDocument(filter({ action: "replace", target: "s", matchPattern: "(a+)+b", value: "" }), doc);
    expect(doc.s.length).toBe(50_001);
  });
});

describe("header actions", () => {
  it("sets, replaces and deletes, and never touches the provider's credentials", () => {
    const headers: Record<string, string> = { "user-agent": "claude-cli/1.0", "x-team": "a", "anthropic-api-key": "sk" };
    applyToHeaders(filter({ scope: "header", target: "X-Org", value: "acme" }), headers);
    applyToHeaders(filter({ scope: "header", action: "replace", target: "user-agent", matchPattern: "claude-cli", value: "relay" }), headers);
    applyToHeaders(filter({ scope: "header", action: "delete", target: "x-team" }), headers);
    expect(headers).toEqual({ "user-agent": "relay/1.0", "x-org": "acme", "anthropic-api-key": "sk" });
    const auth = { "anthropic-api-key": "sk" };
    expect(applyToHeaders(filter({ scope: "header", action: "delete", target: "anthropic-api-key" }), headers, auth).applied).toBe(false);
    expect(headers["anthropic-api-key"]).toBe("sk");
  });
});

describe("refused at save time", () => {
  it.each([
    [{ target: "messages[" }, "target", /Invalid path/],
    [{ action: "replace" as const, target: "system", matchPattern: "(?<=a)b" }, "matchPattern", /Not a valid regular expression/],
    [{ action: "replace" as const, target: "system", matchPattern: null }, "matchPattern", /needs the pattern/],
    [{ action: "delete" as const, target: "$.model" }, "target", /may not delete the model/],
    [{ scope: "header" as const, action: "delete" as const, target: "Authorization" }, "target", /credentials/],
    [{ scope: "header" as const, target: "x-api-key" }, "target", /credentials/],
    [{ scope: "header" as const, target: "bad header" }, "target", /not a valid header name/],
    [{ bindingType: "providers" as const }, "bindingType", /at least one provider/],
  ])("%j", (overrides, field, message) => {
    let error: unknown;
    try {
      filter(overrides);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FilterRuleError);
    expect((error as FilterRuleError).field).toBe(field);
    expect((error as FilterRuleError).message).toMatch(message);
  });
});

describe("stream events", () => {
  it("rewrites each event as it completes, holding only an unfinished one, and leaves the rest byte for byte", () => {
    const f = filter({ phase: "response", action: "replace", target: "delta.text", matchPattern: "secret", value: "[hidden]" });
    const events = new SseEventFilter((doc) => applyToDocument(f, doc).applied);
    const first = events.push(Buffer.from('event: content_block_delta\ndata: {"delta":{"text":"a secret"}}\n\nevent: ping\ndata: {"ty'));
    expect(first.toString()).toBe('event: content_block_delta\ndata: {"delta":{"text":"a [hidden]"}}\n\n');
    const second = events.push(Buffer.from('pe":"ping"}\r\n\r\ndata: [DONE]\n\n'));
    expect(second.toString()).toBe('event: ping\ndata: {"type":"ping"}\r\n\r\ndata: [DONE]\n\n');
    expect(events.end().length).toBe(0);
  });
});
