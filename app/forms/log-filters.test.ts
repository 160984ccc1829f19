import { describe, expect, it } from "vitest";
import { logFiltersToSearch, parseLogFilters } from "./log-filters.ts";

describe("log filters in the URL", () => {
  it("reads valid filters and normalises times to ISO", () => {
    const filters = parseLogFilters(new URLSearchParams("from=2025-01-02T03:04:05%2B08:00&userId=7&model=claude-sonnet-4-5&statusCode=429&page=3&pageSize=100"));
    expect(filters).toEqual({
      from: "2025-01-01T19:04:05.000Z",
      to: undefined,
      userId: 7,
      providerId: undefined,
      model: "claude-sonnet-4-5",
      statusCode: 429,
      page: 3,
      pageSize: 100,
    });
  });

  it("ignores malformed values instead of failing the page", () => {
    const filters = parseLogFilters(new URLSearchParams("from=yesterday&userId=abc&statusCode=42&page=-1&pageSize=7"));
    expect(filters).toMatchObject({ from: undefined, userId: undefined, statusCode: undefined, page: 1, pageSize: 50 });
  });

  it("writes a query string without defaults", () => {
    expect(logFiltersToSearch({ page: 1, pageSize: 50 })).toBe("");
    expect(logFiltersToSearch({ userId: 3, page: 2, pageSize: 20, model: "" })).toBe("?userId=3&page=2&pageSize=20");
  });
});
