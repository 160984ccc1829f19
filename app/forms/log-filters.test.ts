import { describe, expect, it } from "vitest";
import { logFiltersToSearch, parseLogFilters, rangeStart, toLogQuery } from "./log-filters.ts";

describe("log filters in the URL", () => {
  it("reads valid filters and normalises times to ISO", () => {
    const filters = parseLogFilters(
      new URLSearchParams("from=2025-01-02T03:04:05%2B08:00&userId=7&keyId=3&model=claude-sonnet-4-5&statusCode=429&errorsOnly=1&sessionId=s-1&requestId=r-9&page=3&pageSize=100"),
    );
    expect(filters).toEqual({
      from: "2025-01-01T19:04:05.000Z",
      to: undefined,
      range: undefined,
      userId: 7,
      keyId: 3,
      providerId: undefined,
      model: "claude-sonnet-4-5",
      statusCode: 429,
      errorsOnly: true,
      sessionId: "s-1",
      requestId: "r-9",
      page: 3,
      pageSize: 100,
    });
  });

  it("ignores malformed values instead of failing the page", () => {
    const filters = parseLogFilters(new URLSearchParams(`from=yesterday&userId=abc&statusCode=42&page=-1&pageSize=7&range=1y&errorsOnly=yes&requestId=${"x".repeat(201)}`));
    expect(filters).toMatchObject({ from: undefined, userId: undefined, statusCode: undefined, page: 1, pageSize: 50, range: undefined, errorsOnly: undefined, requestId: undefined });
  });

  it("writes a query string without defaults", () => {
    expect(logFiltersToSearch({ page: 1, pageSize: 50 })).toBe("");
    expect(logFiltersToSearch({ userId: 3, page: 2, pageSize: 20, model: "", errorsOnly: true })).toBe("?userId=3&page=2&pageSize=20&errorsOnly=1");
  });
});

describe("quick ranges", () => {
  const now = Date.parse("2026-03-10T02:30:00Z");

  it("starts 'today' at midnight in the viewer's zone", () => {
    expect(rangeStart("today", now, "UTC")).toBe("2026-03-10T00:00:00.000Z");
    // 10:30 in Shanghai: its day began at 16:00 UTC the day before.
    expect(rangeStart("today", now, "Asia/Shanghai")).toBe("2026-03-09T16:00:00.000Z");
  });

  it("counts an hour and seven days back from now", () => {
    expect(rangeStart("1h", now, "UTC")).toBe("2026-03-10T01:30:00.000Z");
    expect(rangeStart("7d", now, "UTC")).toBe("2026-03-03T02:30:00.000Z");
  });

  it("replaces from and to with the range when the query is built", () => {
    const query = toLogQuery({ range: "1h", from: "2020-01-01T00:00:00.000Z", to: "2020-01-02T00:00:00.000Z", page: 1, pageSize: 50 }, now, "UTC");
    expect(query).toEqual({ from: "2026-03-10T01:30:00.000Z", page: 1, pageSize: 50 });
  });
});
