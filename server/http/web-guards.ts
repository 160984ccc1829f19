/**
 * The checks every request to the dashboard, login and admin API passes before a route sees it,
 * in order: a Host the hub answers to (DNS rebinding), a bounded body, and no cross-site state
 * change. The gateway and the health endpoints are mounted before them (server/app.ts).
 */
import type { RequestHandler } from "express";
import type { Env } from "../env.ts";
import { bodyLimit } from "./body-limit.ts";
import { hostCheck, type HostPolicy } from "./host-check.ts";
import { sameOriginCheck } from "./same-origin.ts";

export function hostPolicy(env: Pick<Env, "APP_HOST" | "APP_URL" | "ALLOWED_HOSTS">): HostPolicy {
  return { bindHost: env.APP_HOST, appUrl: env.APP_URL, allowedHosts: env.ALLOWED_HOSTS };
}

export function webDoorGuards(env: Pick<Env, "APP_HOST" | "APP_URL" | "ALLOWED_HOSTS">): RequestHandler[] {
  const policy = hostPolicy(env);
  return [hostCheck(policy), bodyLimit(), sameOriginCheck(policy)];
}
