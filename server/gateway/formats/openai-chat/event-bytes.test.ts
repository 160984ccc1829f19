import { describe, expect, it } from "vitest";
import { findMember, findWatchedMembers, nullMemberSpan } from "./event-bytes.ts";

/** The text with the null usage member cut out, as the stream tap does it. */
function strip(text: string) {
  const usage = findWatchedMembers(text).usage;
  const cut = usage && nullMemberSpan(text, usage);
  return cut ? text.slice(0, cut[0]) + text.slice(cut[1]) : text;
}
const valueStart = (text: string, name: "usage" | "error" | "finish_reason") => {
  const hit = findWatchedMembers(text)[name];
  return hit && text.charCodeAt(hit.valueStart);
};

describe("finding a member by its text", () => {
  it("finds each watched member and the first character of its value in one pass", () => {
    const text = '{"a":1, "choices":[{"finish_reason" : "stop"}], "usage" :\n{"x":1}}';
    expect(valueStart(text, "usage")).toBe(0x7b);
    expect(valueStart(text, "finish_reason")).toBe(0x22);
    expect(valueStart(text, "error")).toBeUndefined();
    expect(valueStart('{"a":1,"usage":null}', "usage")).toBe(0x6e);
  });

  it("is not fooled by a name inside a string value or at the end of another member's name", () => {
    expect(findWatchedMembers('{"content":"usage","b":"\\"usage\\":{", "c":"x, \\"error\\": 1"}')).toEqual({});
    const text = '{"say \\"usage":{},"usage":null}';
    expect(findWatchedMembers(text).usage?.nameStart).toBe(text.lastIndexOf('"usage"'));
    expect(findMember(text, "usage")?.nameStart).toBe(text.lastIndexOf('"usage"'));
    expect(findMember('{"model" :  "gpt-5"}', "model")?.valueStart).toBe(12);
  });

  it("keeps byte offsets for non-ASCII text (the tap reads chunks as latin1)", () => {
    const bytes = Buffer.from('{"content":"héllo 😀","usage":null}');
    const text = bytes.toString("latin1");
    const cut = nullMemberSpan(text, findWatchedMembers(text).usage!)!;
    expect(Buffer.concat([bytes.subarray(0, cut[0]), bytes.subarray(cut[1])]).toString()).toBe('{"content":"héllo 😀"}');
  });
});

describe("cutting a null member", () => {
  it("takes the comma before a later member with it", () => {
    expect(strip('data: {"id":"x","choices":[],"usage":null}\n\n')).toBe('data: {"id":"x","choices":[]}\n\n');
    expect(strip('{"id":"x" , "usage" : null , "n":1}')).toBe('{"id":"x"  , "n":1}');
  });

  it("takes the comma after a first member with it", () => {
    expect(strip('{"usage":null,"id":"x"}')).toBe('{"id":"x"}');
    expect(strip('{ "usage":null , "id":"x"}')).toBe('{ "id":"x"}');
    expect(strip('{"usage":null}')).toBe("{}");
  });

  it("leaves a member that is not null", () => {
    expect(strip('{"usage":{"prompt_tokens":1}}')).toBe('{"usage":{"prompt_tokens":1}}');
    expect(strip('{"id":"x"}')).toBe('{"id":"x"}');
  });
});
