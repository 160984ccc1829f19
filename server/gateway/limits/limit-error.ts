/**
 * The client's answer when a limit refuses a request: 429 for requests per minute and
 * concurrent sessions, 402 for money limits — naming the limit, the current value, the limit
 * and when it resets, in the client's own error envelope (the format adds the envelope).
 */
import type { LimitHit } from "../../store/admission.ts";
import { GatewayError } from "../errors.ts";
import { nanoToUsd } from "../usage/money.ts";

const LIMIT_TYPE: Record<LimitHit["limit"], string> = {
  rpm: "rpm",
  concurrent_sessions: "concurrent_sessions",
  "5h": "usd_5h",
  daily: "daily_quota",
  weekly: "usd_weekly",
  monthly: "usd_monthly",
  total: "usd_total",
};

const NAME: Record<LimitHit["limit"], string> = {
  rpm: "requests per minute",
  concurrent_sessions: "concurrent sessions",
  "5h": "5-hour spending limit",
  daily: "daily spending limit",
  weekly: "weekly spending limit",
  monthly: "monthly spending limit",
  total: "total spending limit",
};

const WHO: Record<string, string> = { k: "API key", u: "user", p: "provider" };

const usd = (nano: number) => `$${nanoToUsd(nano).toFixed(nanoToUsd(nano) < 1 ? 4 : 2)}`;

export function limitError(hit: LimitHit, now: number): GatewayError {
  const money = hit.limit !== "rpm" && hit.limit !== "concurrent_sessions";
  const who = WHO[hit.scope.split(":")[0]] ?? "scope";
  const current = money ? usd(hit.current) : String(hit.current);
  const max = money ? usd(hit.max) : String(hit.max);
  const reset = hit.resetAt ? ` It resets at ${new Date(hit.resetAt).toISOString()}.` : money ? " It is a rolling window." : "";
  const headers: Record<string, string> = {
    "x-ratelimit-limit": money ? nanoToUsd(hit.max).toFixed(6) : String(hit.max),
    "x-ratelimit-remaining": "0",
  };
  if (hit.resetAt) {
    headers["x-ratelimit-reset"] = String(Math.ceil(hit.resetAt / 1000));
    headers["retry-after"] = String(Math.max(1, Math.ceil((hit.resetAt - now) / 1000)));
  }
  return new GatewayError(money ? "quota_exceeded" : "rate_limited", `The ${who}'s ${NAME[hit.limit]} is reached: ${current} of ${max}.${reset}`, {
    headers,
    details: {
      code: "rate_limit_exceeded",
      limit_type: LIMIT_TYPE[hit.limit],
      current: money ? nanoToUsd(hit.current) : hit.current,
      limit: money ? nanoToUsd(hit.max) : hit.max,
      reset_time: hit.resetAt ? new Date(hit.resetAt).toISOString() : null,
    },
    blockedBy: money ? "quota" : "rate_limit",
  });
}
