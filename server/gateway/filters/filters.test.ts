import { describe, expect, it } from "vitest";
import { applyToDocument, applyToHeaders } from "./apply.ts";
import { FilterPathError, parsePath } from "../../domain/request-filters/path.ts";
import { compileFilter, FilterRuleError, type FilterDefinition } from "../../domain/request-filters/rules.ts";
import { JsonArrayElementFilter } from "./json-array.ts";
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

describe("JSON-array stream elements", () => {
  const hide = () => filter({ phase: "response", action: "replace", target: "candidates[*].content.parts[*].text", matchPattern: "secret", value: "[hidden]" });
  // Strings that look like structure (brackets, commas, escaped quotes and backslashes, a
  // multi-byte character) so that a cut anywhere inside them tests the scan's state across chunks.
  const element = (text: string) => `{"candidates":[{"content":{"parts":[{"text":${JSON.stringify(text)}}]}}]}`;
  const stream = `[${element('a secret, "quoted" ]} [{ \\ é')},\r\n${element("nothing to see")},\r\n${element("secret\\")}]`;
  const expected = `[${JSON.stringify(JSON.parse(element('a [hidden], "quoted" ]} [{ \\ é')))},\r\n${element("nothing to see")},\r\n${JSON.stringify(JSON.parse(element("[hidden]\\")))}]`;

  function run(parts: Buffer[], rewrite: (doc: unknown) => boolean) {
    const f = new JsonArrayElementFilter(rewrite);
    const out = parts.map((p) => f.push(p));
    out.push(f.end());
    return Buffer.concat(out).toString("utf8");
  }

  it("rewrites each element wherever the stream is cut into two chunks, and passes unchanged elements byte for byte", () => {
    const f = hide();
    const bytes = Buffer.from(stream);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const out = run([bytes.subarray(0, cut), bytes.subarray(cut)], (doc) => applyToDocument(f, doc).applied);
      expect(out, `cut at ${cut}`).toBe(expected);
    }
  });

  it("rewrites the same when the stream arrives one byte at a time", () => {
    const f = hide();
    const bytes = Buffer.from(stream);
    const parts = [...bytes].map((b) => Buffer.from([b]));
    expect(run(parts, (doc) => applyToDocument(f, doc).applied)).toBe(expected);
  });

  it("leaves the stream as it came when no filter changes an element", () => {
    expect(run([Buffer.from(stream.slice(0, 40)), Buffer.from(stream.slice(40))], () => false)).toBe(stream);
  });

  it("holds only the unfinished element, or a separator no element has followed yet", () => {
    const f = new JsonArrayElementFilter(() => false);
    const second = element("second");
    expect(f.push(Buffer.from(`[${element("first")},\r\n${second.slice(0, 10)}`)).toString()).toBe(`[${element("first")},\r\n`);
    expect(f.push(Buffer.from(`${second.slice(10)},`)).toString()).toBe(second);
    expect(f.push(Buffer.from("\r\n")).length).toBe(0);
    expect(f.push(Buffer.from("]")).toString()).toBe(",\r\n]");
  });

  it("leaves the array closable with the hub's error element when the stream breaks after a separator", () => {
    const f = new JsonArrayElementFilter(() => false);
    const sent = f.push(Buffer.from(`[${element("first")},\r\n`)).toString();
    // What dispatch.ts appends when the upstream breaks off (renderGeminiStreamError, one element sent).
    const closed = `${sent},\r\n{"error":{"code":502}}\r\n]`;
    expect(JSON.parse(closed)).toHaveLength(2);
  });

  it("passes an element larger than the cap through unfiltered, says so, and filters the next one", () => {
    const f = hide();
    const reasons: string[] = [];
    const filterer = new JsonArrayElementFilter((doc) => applyToDocument(f, doc).applied, (r) => reasons.push(r), 64);
    const big = element(`secret ${"x".repeat(200)}`);
    const input = `[${big},${element("secret")}]`;
    const parts = [input.slice(0, 30), input.slice(30, 100), input.slice(100)].map((s) => Buffer.from(s));
    const out = Buffer.concat([...parts.map((p) => filterer.push(p)), filterer.end()]).toString();
    expect(out).toBe(`[${big},${element("[hidden]")}]`);
    expect(reasons).toEqual(["an element larger than 64 bytes is not filtered"]);
  });

  it("passes a body that is not an array through as it came", () => {
    const reasons: string[] = [];
    const f = new JsonArrayElementFilter(() => true, (r) => reasons.push(r));
    expect(f.push(Buffer.from('{"a":1}')).toString()).toBe('{"a":1}');
    expect(reasons).toEqual(["the stream is not a JSON array"]);
  });
});
