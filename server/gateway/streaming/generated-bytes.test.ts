import { describe, expect, it } from "vitest";
import { generatedBytesOf } from "./generated-bytes.ts";
import { sseEventName, sseEventNameIs } from "./sse-splitter.ts";

const NAMES = ["text", "thinking", "partial_json"] as const;

/** The same count from a full parse: the UTF-8 size of every string value of a named member, at any depth. */
function parsedCount(data: string, names: readonly string[]): number {
  let total = 0;
  const visit = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === "object") {
      for (const [key, member] of Object.entries(value)) {
        if (names.includes(key) && typeof member === "string") total += Buffer.byteLength(member);
        else visit(member);
      }
    }
  };
  visit(JSON.parse(data));
  return total;
}

describe("generatedBytesOf", () => {
  it("counts the UTF-8 size of the delta's text, escapes as what they stand for", () => {
    const event = 'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"héllo \\"x\\"\\n\\u00e9"}}\n\n';
    // h é(2) l l o space " x " \n (1) \u00e9 (counted as 3: the usual size of an escaped character)
    expect(generatedBytesOf(Buffer.from(event), NAMES)).toBe(1 + 2 + 3 + 1 + 3 + 1 + 3);
  });

  it("counts only members, not a name that appears as a value or inside a string", () => {
    const event = 'data: {"type":"text","note":"the \\"text\\": \\"no\\"","text" : "ab","thinking":"cd","partial_json":"{\\"a\\":1}","textual":"zz"}\n\n';
    expect(generatedBytesOf(Buffer.from(event), NAMES)).toBe(2 + 2 + 7);
  });

  it("agrees with a full parse on random events", () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    // Escapes whose decoded UTF-8 size is what the counter assumes (\u1234 is three bytes).
    const pieces = ["a", "é", "你", "\\n", '\\"', "\\\\", "\\u1234", " ", "{", "}", ",", ":", "x"];
    for (let n = 0; n < 500; n++) {
      const members: string[] = [];
      for (let m = 0; m < 1 + Math.floor(random() * 4); m++) {
        let name = NAMES[Math.floor(random() * 3)] + (random() < 0.2 ? "s" : "");
        // A repeated key would be counted twice here but kept once by the parse.
        if (members.some((member) => member.startsWith(`"${name}"`))) name += `_${m}`;
        let value = "";
        for (let k = 0; k < Math.floor(random() * 12); k++) value += pieces[Math.floor(random() * pieces.length)];
        members.push(random() < 0.2 ? `"${name}":{"text":"${value}"}` : `"${name}"${random() < 0.3 ? " : " : ":"}"${value}"`);
      }
      const data = `{"type":"content_block_delta",${members.join(",")}}`;
      const event = `event: content_block_delta\ndata: ${data}\n\n`;
      expect(generatedBytesOf(Buffer.from(event), NAMES), event).toBe(parsedCount(data, NAMES));
    }
  });
});

describe("sseEventNameIs", () => {
  const delta = Buffer.from("content_block_delta");
  it("matches the whole name on the first line, with or without the space", () => {
    expect(sseEventNameIs(Buffer.from("event: content_block_delta\ndata: {}\n\n"), delta)).toBe(true);
    expect(sseEventNameIs(Buffer.from("event:content_block_delta\r\ndata: {}\r\n\r\n"), delta)).toBe(true);
    expect(sseEventNameIs(Buffer.from("event: content_block_delta"), delta)).toBe(true);
  });
  it("refuses a longer or shorter name, or an event without a name line", () => {
    expect(sseEventNameIs(Buffer.from("event: content_block_deltas\n\n"), delta)).toBe(false);
    expect(sseEventNameIs(Buffer.from("event: content_block_delt\n\n"), delta)).toBe(false);
    expect(sseEventNameIs(Buffer.from("data: {}\n\n"), delta)).toBe(false);
    expect(sseEventName(Buffer.from("data: {}\n\n"))).toBeUndefined();
    expect(sseEventName(Buffer.from("event:ping\r\n\r\n"))).toBe("ping");
  });
});
