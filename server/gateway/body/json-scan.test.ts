import { describe, expect, it } from "vitest";
import { JsonSyntaxError, parseField, replaceField, scanTopLevel } from "./json-scan.ts";

const WANTED = new Set(["model", "stream", "max_tokens", "metadata"]);
const scan = (text: string) => scanTopLevel(Buffer.from(text), WANTED);

describe("scanTopLevel", () => {
  it("finds wanted top-level fields and ignores nested ones with the same name", () => {
    const body = Buffer.from(
      JSON.stringify({
        messages: [{ role: "user", content: [{ type: "text", text: 'say "model": "x" \\ and }' }], model: "nested" }],
        model: "claude-sonnet-4-5",
        stream: true,
        max_tokens: 1024,
        metadata: { user_id: "u" },
        tools: [{ name: "t", input_schema: { type: "object", properties: { a: { type: "number", minimum: -1.5e3 } } } }],
      }),
    );
    const found = scanTopLevel(body, WANTED);
    expect(parseField(body, found.get("model"))).toBe("claude-sonnet-4-5");
    expect(parseField(body, found.get("stream"))).toBe(true);
    expect(parseField(body, found.get("max_tokens"))).toBe(1024);
    expect(parseField(body, found.get("metadata"))).toEqual({ user_id: "u" });
  });

  it("agrees with JSON.parse on every value kind, whitespace and unicode", () => {
    const text = ` { "a" : [ 1 , -2.5e-3 , true , false , null , { } , [ ] , "\\u00e9\\"" ] ,\n"model":"模型-é" , "stream" : false }\r\n`;
    const found = scan(text);
    expect(parseField(Buffer.from(text), found.get("model"))).toBe(JSON.parse(text).model);
    expect(parseField(Buffer.from(text), found.get("stream"))).toBe(false);
  });

  it("handles escaped backslashes before a closing quote", () => {
    const text = '{"x":"ends with a backslash \\\\","model":"m"}';
    expect(parseField(Buffer.from(text), scan(text).get("model"))).toBe("m");
  });

  it.each([
    ["truncated", '{"model":"m"'],
    ["missing colon", '{"model" "m"}'],
    ["trailing comma", '{"model":"m",}'],
    ["trailing comma in array", '{"a":[1,],"model":"m"}'],
    ["bad literal", '{"stream":tru}'],
    ["bad number", '{"max_tokens":1.}'],
    ["garbage after", '{"model":"m"} x'],
    ["unterminated string", '{"model":"m}'],
    ["missing comma", '{"a":1 "b":2}'],
    ["empty", ""],
  ])("rejects invalid JSON: %s", (_name, text) => {
    expect(() => JSON.parse(text)).toThrow();
    expect(() => scan(text)).toThrow(JsonSyntaxError);
  });

  it("rejects a top level that is valid JSON but not an object", () => {
    expect(() => scan("[1,2]")).toThrow(/must be a JSON object/);
    expect(() => scan('"text"')).toThrow(JsonSyntaxError);
  });

  it("does not overflow on deep nesting", () => {
    const deep = "[".repeat(100_000) + "]".repeat(100_000);
    const text = `{"a":${deep},"model":"m"}`;
    expect(parseField(Buffer.from(text), scan(text).get("model"))).toBe("m");
  });

  it("replaces one field's value and leaves every other byte unchanged", () => {
    const text = '{"model": "a",  "x": {"model":"keep"}, "unknown_field": [1]}';
    const buf = Buffer.from(text);
    const out = replaceField(buf, scanTopLevel(buf, WANTED).get("model")!, "b");
    expect(out.toString()).toBe('{"model": "b",  "x": {"model":"keep"}, "unknown_field": [1]}');
  });

  it("notes a watched key at any depth, but not the same word inside a string, up to its limit", () => {
    const text = '{"cache_control":{"a":1},"system":[{"text":"\\"cache_control\\": no","cache_control" : {"ttl":"1h"}}],"m":[[{"x":{"cache_control":null}}]]}';
    const buf = Buffer.from(text);
    const watch = { key: Buffer.from("cache_control"), valueStarts: [] as number[], limit: 8 };
    scanTopLevel(buf, WANTED, watch);
    expect(watch.valueStarts.map((at) => text.slice(at, at + 4))).toEqual(['{"a"', '{"tt', "null"]);
    const capped = { key: Buffer.from("cache_control"), valueStarts: [] as number[], limit: 2 };
    scanTopLevel(buf, WANTED, capped);
    expect(capped.valueStarts).toHaveLength(2);
  });

  it("skips strings of every length with escaped quotes and backslashes", () => {
    const pieces = ["x", '"', "\\", "é"];
    for (const length of [0, 1, 23, 24, 25, 100, 3000]) {
      let raw = "";
      for (let k = 0; k < length; k++) raw += pieces[(k * 7 + length) % pieces.length];
      const text = `{"a":${JSON.stringify(raw)},"model":"m"}`;
      expect(parseField(Buffer.from(text), scan(text).get("model"))).toBe("m");
    }
  });

});
