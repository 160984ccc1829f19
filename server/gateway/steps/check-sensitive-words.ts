/**
 * Step (after check-access): sensitive words (manual §9.2). When the admin has enabled at least
 * one word, the body is parsed once and the text the user sends (messages and system prompt, see
 * policy/sensitive-words/user-texts.ts) is matched; a hit ends the request with 400 before
 * anything is reserved or forwarded, so it costs nothing. The message names the rule's id but
 * never the word: echoing it would tell a user exactly what to rephrase around, and would copy
 * the text into every log line that records the error. With no word enabled the step is one
 * property read.
 */
import type { GatewayContext } from "../context.ts";
import type { GatewayDeps } from "../deps.ts";
import { GatewayError } from "../errors.ts";
import { findSensitiveWord } from "../../policy/sensitive-words/find.ts";

export function checkSensitiveWords(ctx: GatewayContext, deps: GatewayDeps): void {
  const matcher = deps.catalog.sensitiveWords();
  if (matcher.empty || !ctx.body) return;
  const hit = findSensitiveWord(matcher, ctx.route.format, ctx.body);
  if (!hit) return;
  ctx.chain.policy = { blockedBy: "sensitive_word", ruleId: hit.id, matchType: hit.matchType };
  throw new GatewayError("invalid_request", `The request contains content this hub does not accept (sensitive word rule #${hit.id}).`, {
    blockedBy: "sensitive_word",
    details: { code: "sensitive_word", rule_id: hit.id },
  });
}
