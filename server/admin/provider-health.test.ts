import { describe, expect, it } from "vitest";
import { toBreakerView } from "./provider-health.ts";

describe("toBreakerView", () => {
  it("shows a breaker the store knows nothing of as closed, with no failures", () => {
    expect(toBreakerView(undefined)).toEqual({ state: "closed", failures: 0, openUntil: null, halfOpenSuccesses: 0 });
  });

  it("shows an open breaker's reopening time as an ISO instant", () => {
    const openUntil = Date.UTC(2026, 2, 10, 12, 30);
    expect(toBreakerView({ providerId: 3, state: "open", failures: 5, openUntil, halfOpenSuccesses: 0 })).toEqual({
      state: "open",
      failures: 5,
      openUntil: "2026-03-10T12:30:00.000Z",
      halfOpenSuccesses: 0,
    });
    expect(toBreakerView({ providerId: 3, state: "half_open", failures: 5, openUntil: null, halfOpenSuccesses: 1 })).toMatchObject({ state: "half_open", openUntil: null, halfOpenSuccesses: 1 });
  });
});
