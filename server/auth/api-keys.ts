/**
 * Hub API keys: "sk-" + 192 random bits. Only the SHA-256 of a key is stored; the key itself
 * is returned once, by keys.create. A salted slow hash is unnecessary for random keys of this
 * length (nothing to brute-force) and would cost every proxied request (docs/decisions/0004).
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

export const API_KEY_PREFIX = "sk-";

export function generateApiKey(): string {
  return API_KEY_PREFIX + randomBytes(24).toString("base64url");
}

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

export function maskApiKey(key: string): string {
  return `${key.slice(0, 7)}…${key.slice(-4)}`;
}

/** Constant-time equality of two strings (compares their hashes, so lengths do not leak). */
export function constantTimeEquals(a: string, b: string): boolean {
  const ha = createHash("sha256").update(a, "utf8").digest();
  const hb = createHash("sha256").update(b, "utf8").digest();
  return timingSafeEqual(ha, hb);
}
