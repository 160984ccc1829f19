/**
 * The client's answer when a limit refuses a request: 429 for requests per minute and
 * concurrent sessions, 402 for money limits — naming whose limit (key or user), what is spent,
 * what requests in flight hold against it, the limit and when it resets, in the client's own
 * error envelope (the format adds the envelope).
 */
import type { LimitHit } from "../../store/admission.ts";
import { GatewayError } from "../errors.ts";
import { nanoToUsd } from "../../domain/money.ts";

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
  const held = money ? (hit.heldNano ?? 0) : 0;
  // Spend and holds are told apart: a member who sees "$0.09 spent" on their card must not
  // read "$0.30 of $0.30" as a wrong sum — the rest is held by their requests still running.
  const current = money ? `${usd(hit.current - held)} spent${held > 0 ? ` + ${usd(held)} held by requests in flight` : ""}` : String(hit.current);
  const max = money ? usd(hit.max) : String(hit.max);
  const reset = hit.resetAt
    ? ` It resets at ${new Date(hit.resetAt).toISOString()}.`
    : money
      ? held > 0
        ? " It is a rolling window: room frees up as requests in flight finish and as older spend leaves it."
        : " It is a rolling window: room frees up as older spend leaves it."
      : "";
  const headers: Record<string, string> = {
    "x-ratelimit-limit": money ? nanoToUsd(hit.max).toFixed(6) : String(hit.max),
    "x-ratelimit-remaining": "0",
  };
  if (hit.resetAt) {
    headers["x-ratelimit-reset"] = String(Math.ceil(hit.resetAt / 1000));
    headers["retry-after"] = String(Math.max(1, Math.ceil((hit.resetAt - now) / 1000)));
  }
  return new GatewayError(money ? "quota_exceeded" : "rate_limited", money ? `The ${who}'s ${NAME[hit.limit]} is reached: ${current}, limit ${max}.${reset}` : `The ${who}'s ${NAME[hit.limit]} is reached: ${current} of ${max}.${reset}`, {
    headers,
    details: {
      code: "rate_limit_exceeded",
      limit_type: LIMIT_TYPE[hit.limit],
      current: money ? nanoToUsd(hit.current) : hit.current,
      ...(money ? { spent: nanoToUsd(hit.current - held), held: nanoToUsd(held) } : {}),
      limit: money ? nanoToUsd(hit.max) : hit.max,
      reset_time: hit.resetAt ? new Date(hit.resetAt).toISOString() : null,
    },
    blockedBy: money ? "quota" : "rate_limit",
  });
}
