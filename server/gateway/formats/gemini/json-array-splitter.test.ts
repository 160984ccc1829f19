import { describe, expect, it } from "vitest";
import { JsonArraySplitter } from "./json-array-splitter.ts";

function split(chunks: Array<string | Buffer>, max?: number) {
  const out: string[] = [];
  const s = new JsonArraySplitter((e) => out.push(e.toString("utf8")), max);
  for (const c of chunks) s.push(typeof c === "string" ? Buffer.from(c) : c);
  s.end();
  return { out, state: s.state, count: s.elements };
}

describe("JsonArraySplitter", () => {
  const stream = '[{"a":"x]},{\\"y"},\r\n{"b":[1,{"c":"\\\\"}]},\r\n{"d":"é \\u00e9 }"}\r\n]';
  const elements = ['{"a":"x]},{\\"y"}', '{"b":[1,{"c":"\\\\"}]}', '{"d":"é \\u00e9 }"}'];

  it("reports each element, ignoring brackets and escaped quotes inside strings", () => {
    expect(split([stream])).toEqual({ out: elements, state: "done", count: 3 });
    for (const e of split([stream]).out) expect(() => JSON.parse(e)).not.toThrow();
  });

  it("gives the same elements however the bytes are chunked (every two-way split, and byte by byte)", () => {
    const bytes = Buffer.from(stream);
    for (let i = 1; i < bytes.length; i++) {
      expect(split([bytes.subarray(0, i), bytes.subarray(i)]).out).toEqual(elements);
    }
    expect(split([...bytes].map((b) => Buffer.from([b]))).out).toEqual(elements);
  });

  it("handles scalars, empty arrays, leading blanks and whitespace around commas", () => {
    expect(split([' \r\n[ 1 , "s,]" ,true,{"x":null} ]']).out).toEqual(["1", '"s,]"', "true", '{"x":null}']);
    expect(split(["[]"])).toMatchObject({ out: [], state: "done" });
    expect(split(["[", "12", "3]"]).out).toEqual(["123"]);
  });

  it("reports nothing for a body that is not an array", () => {
    expect(split(['{"a":1}'])).toMatchObject({ out: [], state: "invalid" });
  });

  it("tells where it stands, so a broken stream can be closed well-formed", () => {
    const s = new JsonArraySplitter(() => undefined);
    expect(s.state).toBe("start");
    s.push(Buffer.from('[{"a":'));
    expect(s.state).toBe("element");
    s.push(Buffer.from("1}"));
    expect(s.state).toBe("between");
    expect(s.elements).toBe(1);
  });

  it("drops an element cut off by the end of the stream", () => {
    expect(split(['[{"a":1},{"b":']).out).toEqual(['{"a":1}']);
  });

  it("skips an element larger than the cap and resumes with the next", () => {
    const big = `{"t":"${"x".repeat(500)}"}`;
    const r = split(["[", big.slice(0, 100), big.slice(100), ',{"ok":1}]'], 200);
    expect(r.out).toEqual(['{"ok":1}']);
    expect(r.count).toBe(2);
    expect(split([`[${big},{"ok":2}]`], 200).out).toEqual(['{"ok":2}']);
  });
});
