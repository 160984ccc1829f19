/**
 * Who is calling the admin API or the dashboard: a login cookie, or `Authorization: Bearer`
 * with the admin token or an API key (for scripts). Key sessions are re-checked against the
 * key on every call, so disabling a key logs its sessions out at once.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { Catalog } from "../catalog/catalog.ts";
import type { Db } from "../db/database.ts";
import type { Env } from "../env.ts";
import type { Viewer } from "../trpc/trpc.ts";
import { constantTimeEquals, hashApiKey } from "./api-keys.ts";
import { readCookie, SESSION_COOKIE, type SessionSigner } from "./web-session.ts";

export interface ViewerDeps {
  env: Env;
  db: Db;
  catalog: Catalog;
  signer: SessionSigner;
  now: () => number;
}

function usable(key: { isEnabled: boolean; expiresAt: number | null; user: { isEnabled: boolean; expiresAt: number | null } }, now: number) {
  return (
    key.isEnabled &&
    key.user.isEnabled &&
    (key.expiresAt === null || key.expiresAt > now) &&
    (key.user.expiresAt === null || key.user.expiresAt > now)
  );
}

/**
 * A cookie-authenticated state change from another site is refused (SameSite=Lax already
 * stops most; this also covers same-site subdomains and old browsers).
 */
function crossOrigin(headers: IncomingHttpHeaders): boolean {
  const origin = headers.origin;
  if (!origin || origin === "null") return false;
  try {
    return new URL(origin).host !== headers.host;
  } catch {
    return true;
  }
}

export async function resolveViewer(headers: IncomingHttpHeaders, method: string, deps: ViewerDeps): Promise<Viewer | null> {
  const now = deps.now();
  const bearer = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? "")?.[1]?.trim();
  if (bearer) {
    if (constantTimeEquals(bearer, deps.env.ADMIN_TOKEN)) return { kind: "admin", via: "admin_token" };
    const key = await deps.catalog.findKeyByHash(hashApiKey(bearer));
    if (!key || !usable(key, now)) return null;
    return { kind: "user", userId: key.userId, keyId: key.id, role: key.user.role, canLoginWebUi: key.canLoginWebUi };
  }
  const session = deps.signer.verify(readCookie(headers.cookie, SESSION_COOKIE), now);
  if (!session) return null;
  if (method !== "GET" && method !== "HEAD" && crossOrigin(headers)) return null;
  if (session.kind === "admin") return { kind: "admin", via: "admin_token" };
  const row = await deps.db.apiKey.findFirst({ where: { id: session.keyId, deletedAt: null }, include: { user: true } });
  if (!row || row.user.deletedAt) return null;
  const key = {
    isEnabled: row.isEnabled,
    expiresAt: row.expiresAt?.getTime() ?? null,
    user: { isEnabled: row.user.isEnabled, expiresAt: row.user.expiresAt?.getTime() ?? null },
  };
  if (!usable(key, now)) return null;
  return { kind: "user", userId: row.userId, keyId: row.id, role: row.user.role, canLoginWebUi: row.canLoginWebUi };
}
