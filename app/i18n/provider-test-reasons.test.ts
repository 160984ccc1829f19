/**
 * The connection test's own findings (not the upstream's words) are shown in the reader's
 * language: every reason the hub can report has a string in both languages, taking the same
 * detail. The list comes from the hub's code.
 */
import { describe, expect, it } from "vitest";
import { PROVIDER_TEST_REASONS } from "../../server/admin/provider-test.ts";
import { en } from "./en.ts";
import { isMessageKey } from "./index.ts";
import { zhCN } from "./zh-CN.ts";

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("connection test reasons", () => {
  it("has an English and a Chinese string for every reason, with the same detail", () => {
    for (const reason of PROVIDER_TEST_REASONS) {
      const key = `providerTest.reason.${reason}`;
      expect(isMessageKey(key), key).toBe(true);
      const english = (en as Record<string, string>)[key];
      const chinese = (zhCN as Record<string, string>)[key];
      expect(chinese, key).toBeTruthy();
      expect(chinese, key).not.toBe(english);
      expect(placeholders(chinese), key).toEqual(placeholders(english));
    }
  });
});
