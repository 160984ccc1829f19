import { describe, expect, it } from "vitest";
import { formatGroupPriorities, formatHeaderLines, parseGroupPriorities, parseHeaderLines } from "./key-value-lines.ts";

describe("group priorities as text", () => {
  it("reads 'group = n' and 'group: n' lines, skipping blank ones, and round-trips", () => {
    const parsed = parseGroupPriorities("team-a = 0\n\n  team b: 12 \n");
    expect(parsed).toEqual({ ok: true, value: { "team-a": 0, "team b": 12 } });
    if (parsed.ok) expect(parseGroupPriorities(formatGroupPriorities(parsed.value))).toEqual(parsed);
  });

  it("names the first line that is not an entry", () => {
    expect(parseGroupPriorities("a = 1\nb = high")).toEqual({ ok: false, line: 2 });
    expect(parseGroupPriorities("= 3")).toEqual({ ok: false, line: 1 });
    expect(parseGroupPriorities("a = -1")).toEqual({ ok: false, line: 1 });
  });
});

describe("header lines", () => {
  it("reads 'Name: value' lines (values may hold colons) and round-trips", () => {
    const parsed = parseHeaderLines("X-Title: my hub\nHTTP-Referer: https://hub.example.com:8443/\nX-Empty:");
    expect(parsed).toEqual({ ok: true, value: { "X-Title": "my hub", "HTTP-Referer": "https://hub.example.com:8443/", "X-Empty": "" } });
    if (parsed.ok) expect(parseHeaderLines(formatHeaderLines(parsed.value))).toEqual(parsed);
  });

  it("refuses a line without a valid header name", () => {
    expect(parseHeaderLines("X-Ok: 1\nno colon here")).toEqual({ ok: false, line: 2 });
    expect(parseHeaderLines("Bad Name: 1")).toEqual({ ok: false, line: 1 });
    expect(parseHeaderLines(": value")).toEqual({ ok: false, line: 1 });
  });
});
