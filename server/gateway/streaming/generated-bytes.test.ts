import { describe, expect, it } from "vitest";
import { generatedBytes, generatedBytesOf } from "./generated-bytes.ts";
import { sseEventName, sseEventNameIs } from "./sse-splitter.ts";

const NAMES = ["text", "thinking", "partial_json"] as const;

function bothWays(event: string, names: readonly string[] = NAMES) {
  const bytes = Buffer.from(event, "utf8");
  return { fromText: generatedBytes(bytes.toString("latin1"), names), fromBytes: generatedBytesOf(bytes, names) };
}

describe("generatedBytesOf", () => {
  it("counts the UTF-8 size of the delta's text, escapes as what they stand for", () => {
    const event = 'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"héllo \\"x\\"\\n\\u00e9"}}\n\n';
    // h é(2) l l o space " x " \n (1) \u00e9 (3)
    expect(generatedBytesOf(Buffer.from(event), NAMES)).toBe(1 + 2 + 3 + 1 + 3 + 1 + 3);
    expect(bothWays(event).fromBytes).toBe(bothWays(event).fromText);
  });

  it("counts only members, not a name that appears as a value or inside a string", () => {
    const event = 'data: {"type":"text","note":"the \\"text\\": \\"no\\"","text" : "ab","thinking":"cd","partial_json":"{\\"a\\":1}","textual":"zz"}\n\n';
    expect(generatedBytesOf(Buffer.from(event), NAMES)).toBe(2 + 2 + 7);
    expect(bothWays(event)).toEqual({ fromText: 11, fromBytes: 11 });
  });

  it("agrees with the text scan on random events", () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const pieces = ["text", "thinking", "partial_json", "a", "é", "\\n", "\\\"", "\\u1234", " ", "{", "}", ",", ":", "x"];
    for (let n = 0; n < 500; n++) {
      const members: string[] = [];
      for (let m = 0; m < 1 + Math.floor(random() * 4); m++) {
        const name = NAMES[Math.floor(random() * 3)] + (random() < 0.2 ? "s" : "");
        let value = "";
        for (let k = 0; k < Math.floor(random() * 12); k++) value += pieces[Math.floor(random() * pieces.length)].replace(/^[{}:,]$/, "y");
        members.push(random() < 0.2 ? `"${name}":{"text":"${value}"}` : `"${name}"${random() < 0.3 ? " : " : ":"}"${value}"`);
      }
      const event = `event: content_block_delta\ndata: {"type":"content_block_delta",${members.join(",")}}\n\n`;
      const { fromText, fromBytes } = bothWays(event);
      expect(fromBytes, event).toBe(fromText);
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
