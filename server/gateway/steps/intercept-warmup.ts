/**
 * Step (optional, system setting "intercept warm-up requests"): Claude Code's Warmup requests
 * are answered by the hub itself. They reach no provider, hold and count against no quota, cost
 * nothing, and are logged with blocked_by = "warmup" so they stay visible.
 */
import type { GatewayContext } from "../context.ts";
import type { GatewayDeps } from "../deps.ts";
import { claudeWarmupJson, claudeWarmupStream, isClaudeWarmup } from "../formats/claude/warmup.ts";

/** Answers the request if it is a warm-up to intercept; true when it did. */
export function interceptWarmup(ctx: GatewayContext, deps: GatewayDeps): boolean {
  if (!deps.catalog.settings().interceptWarmupRequests) return false;
  if (ctx.route.format !== "claude" || ctx.route.kind !== "generate" || !ctx.body || !isClaudeWarmup(ctx.body)) return false;
  const model = ctx.request?.model ?? "claude";
  const stream = ctx.request?.stream ?? false;
  const body = stream ? claudeWarmupStream(model) : claudeWarmupJson(model);
  ctx.res.writeHead(200, {
    "content-type": stream ? "text/event-stream" : "application/json",
    "cache-control": "no-cache",
    "x-request-id": ctx.requestId,
    "x-cch-intercepted": "warmup",
  });
  ctx.res.end(body);
  Object.assign(ctx.outcome, {
    statusCode: 200,
    blockedBy: "warmup",
    completed: true,
    responseModel: model,
    ttfbMs: Math.round(performance.now() - ctx.startTick),
  });
  return true;
}
