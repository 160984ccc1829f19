import { describe, expect, it } from "vitest";
import { shortError } from "./error-preview.ts";

describe("the log list's error column", () => {
  it("shows an upstream JSON error body by its message", () => {
    expect(shortError('{"type":"error","error":{"type":"invalid_request_error","message":"max_tokens: too large"}}')).toBe("max_tokens: too large");
    expect(shortError('{"error":"quota exhausted"}')).toBe("quota exhausted");
  });

  it("cuts long text to one short line, and keeps text that only looks like JSON", () => {
    const long = `line one\n${"x".repeat(100)}`;
    const out = shortError(long)!;
    expect(out).toHaveLength(60);
    expect(out.endsWith("…")).toBe(true);
    expect(out.startsWith("line one x")).toBe(true);
    expect(shortError("{not json")).toBe("{not json");
    expect(shortError(null)).toBeNull();
  });
});
