/**
 * Step 1: who is calling. The key comes from `Authorization: Bearer`, `x-api-key`,
 * `x-goog-api-key` or Gemini's `?key=`; two different keys in one request are refused. Only
 * the key's hash is looked up, in the catalog cache (no database query in steady state).
 */
import { hashApiKey } from "../../auth/api-keys.ts";
import type { GatewayContext } from "../context.ts";
import type { GatewayDeps } from "../deps.ts";
import { GatewayError } from "../errors.ts";

function headerValue(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v?.trim() || undefined;
}

/** The credential the client presented, or undefined. Throws when it presented two different ones. */
export function extractApiKey(headers: Record<string, string | string[] | undefined>, search: string): string | undefined {
  const found = new Set<string>();
  const authorization = headerValue(headers.authorization);
  if (authorization) {
    const match = /^Bearer\s+(.+)$/i.exec(authorization);
    if (match) found.add(match[1].trim());
  }
  const apiKey = headerValue(headers["x-api-key"]);
  if (apiKey) found.add(apiKey);
  const googKey = headerValue(headers["x-goog-api-key"]);
  if (googKey) found.add(googKey);
  if (search.includes("key=")) {
    const queryKey = new URLSearchParams(search).get("key")?.trim();
    if (queryKey) found.add(queryKey);
  }
  if (found.size > 1) {
    throw new GatewayError("authentication", "The request carries two different API keys; send exactly one.", { blockedBy: "auth" });
  }
  return found.values().next().value;
}

function expiredAt(ms: number) {
  return new Date(ms).toISOString();
}

export async function authenticate(ctx: GatewayContext, deps: GatewayDeps): Promise<void> {
  const presented = extractApiKey(ctx.req.headers, ctx.search);
  if (!presented) {
    throw new GatewayError(
      "authentication",
      "Missing API key: send it as `Authorization: Bearer <key>` or `x-api-key: <key>`.",
      { blockedBy: "auth" },
    );
  }
  const key = await deps.catalog.findKeyByHash(hashApiKey(presented));
  if (!key) throw new GatewayError("authentication", "Invalid API key.", { blockedBy: "auth" });
  ctx.key = key;
  const now = deps.now();
  if (!key.isEnabled) throw new GatewayError("authentication", "This API key is disabled.", { blockedBy: "auth" });
  if (key.expiresAt !== null && key.expiresAt <= now) {
    throw new GatewayError("authentication", `This API key expired at ${expiredAt(key.expiresAt)}.`, { blockedBy: "auth" });
  }
  if (!key.user.isEnabled) {
    throw new GatewayError("authentication", "The user of this API key is disabled.", { blockedBy: "auth" });
  }
  if (key.user.expiresAt !== null && key.user.expiresAt <= now) {
    throw new GatewayError("authentication", `The user of this API key expired at ${expiredAt(key.user.expiresAt)}.`, { blockedBy: "auth" });
  }
}
