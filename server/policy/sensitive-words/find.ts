/** The sensitive-word check of one request body, shared by the gateway step and the benchmark. */
import type { ApiFormat } from "../../gateway/formats/types.ts";
import type { SensitiveWordHit, SensitiveWordMatcher } from "./matcher.ts";
import { userTexts } from "./user-texts.ts";

/**
 * The rule the body's user text matches, or undefined. A body that is not JSON has no text to
 * check (the format's reader has already refused a malformed generation request).
 */
export function findSensitiveWord(matcher: SensitiveWordMatcher, format: ApiFormat, body: Buffer): SensitiveWordHit | undefined {
  if (matcher.empty || !body.length) return undefined;
  // The common case: nothing any rule needs occurs in the body at all, so nothing is parsed.
  if (matcher.prefilter.usable && !matcher.prefilter.mayMatch(body)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    return undefined;
  }
  return matcher.match(userTexts(format, parsed));
}
