import { describe, expect, it } from "vitest";
import { SseSplitter, sseEventData, sseEventName } from "./sse-splitter.ts";

function split(chunks: string[], maxEventBytes?: number) {
  const events: string[] = [];
  const s = new SseSplitter((e) => events.push(e.toString()), maxEventBytes);
  for (const c of chunks) s.push(Buffer.from(c));
  s.end();
  return events;
}

describe("SseSplitter", () => {
  const stream = 'event: a\ndata: {"x":1}\n\nevent: b\ndata: 2\n\n';

  it("splits on blank lines", () => {
    expect(split([stream])).toEqual(['event: a\ndata: {"x":1}\n\n', "event: b\ndata: 2\n\n"]);
  });

  it("gives the same events however the bytes are chunked", () => {
    const whole = split([stream]);
    for (let i = 1; i < stream.length; i++) {
      expect(split([stream.slice(0, i), stream.slice(i)])).toEqual(whole);
    }
    expect(split([...stream])).toEqual(whole);
  });

  it("splits CRLF streams (Gemini) at every chunking", () => {
    const crlf = 'data: {"a":1}\r\n\r\ndata: {"b":2}\r\n\r\n';
    const whole = split([crlf]);
    expect(whole).toEqual(['data: {"a":1}\r\n\r\n', 'data: {"b":2}\r\n\r\n']);
    for (let i = 1; i < crlf.length; i++) expect(split([crlf.slice(0, i), crlf.slice(i)])).toEqual(whole);
  });

  it("flushes a last event that lacks the blank line", () => {
    expect(split(["data: [DONE]\n"])).toEqual(["data: [DONE]\n"]);
  });

  it("skips an event larger than the cap and resumes at the next one", () => {
    const big = `data: ${"x".repeat(1000)}\n\n`;
    const events = split([big.slice(0, 300), big.slice(300), "data: ok\n\n"], 100);
    expect(events).toEqual(["data: ok\n\n"]);
  });
});

describe("sse field readers", () => {
  it("reads the event name and joined data lines", () => {
    const e = Buffer.from("event: message_delta\ndata: {\"a\":\ndata: 1}\n\n");
    expect(sseEventName(e)).toBe("message_delta");
    expect(sseEventData(e)).toBe('{"a":\n1}');
    expect(sseEventName(Buffer.from("data: x\n\n"))).toBeUndefined();
    expect(sseEventData(Buffer.from("data:x\r\n\r\n"))).toBe("x");
  });
});

describe("SseSplitter on large events in small chunks", () => {
  it("splits the same way at every chunk size, and stays linear", () => {
    const big = `event: response.completed\ndata: ${JSON.stringify({ x: "y".repeat(50_000) })}\n\n`;
    const stream = `event: a\ndata: 1\n\n${big}event: b\r\ndata: 2\r\n\r\n`;
    const whole = split([stream]);
    expect(whole).toHaveLength(3);
    for (const size of [1, 2, 3, 7, 1400, 65536]) {
      const chunks = [];
      for (let i = 0; i < stream.length; i += size) chunks.push(stream.slice(i, i + size));
      expect(split(chunks)).toEqual(whole);
    }
  });
});
