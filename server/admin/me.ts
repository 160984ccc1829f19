/** What the caller may know about themself: who is logged in, and their own usage (/my-usage). */
import type { Db } from "../db/database.ts";
import { dailyWindowStart } from "../domain/quota/windows.ts";
import { isAdmin, type Services, type Viewer } from "../trpc/trpc.ts";
import { usageSeries } from "./usage-series.ts";

/** The logged-in viewer (null: nobody) as the dashboard shell sees it. */
export async function whoIsLoggedIn(deps: Pick<Services, "db" | "catalog">, viewer: Viewer | null) {
  const siteTitle = deps.catalog.settings().siteTitle;
  if (!viewer) return { loggedIn: false, role: null, dashboard: false, userId: null, userName: null, keyId: null, siteTitle };
  if (viewer.kind === "admin") return { loggedIn: true, role: "admin" as const, dashboard: true, userId: null, userName: "admin", keyId: null, siteTitle };
  const user = await deps.db.user.findUnique({ where: { id: viewer.userId }, select: { name: true } });
  return {
    loggedIn: true,
    role: isAdmin(viewer) ? ("admin" as const) : ("user" as const),
    dashboard: viewer.canLoginWebUi,
    userId: viewer.userId,
    userName: user?.name ?? null,
    keyId: viewer.keyId,
    siteTitle,
  };
}

type KeyScope = { keyId?: number };

/** Requests are counted in the request log (failures included); money and tokens in the ledger. */
async function usageTotals(db: Db, scope: KeyScope, since?: Date) {
  const where = { ...scope, ...(since ? { createdAt: { gte: since } } : {}) };
  const [agg, requests] = await Promise.all([
    db.usageLedger.aggregate({ where, _sum: { costUsd: true, inputTokens: true, outputTokens: true } }),
    db.requestLog.count({ where }),
  ]);
  return {
    requests,
    costUsd: Number(agg._sum.costUsd?.toString() ?? 0),
    inputTokens: agg._sum.inputTokens ?? 0,
    outputTokens: agg._sum.outputTokens ?? 0,
  };
}

/**
 * The caller's key's usage today and in total, and its last 7 days. The admin token has no key:
 * it sees the whole hub's totals and no days.
 */
export async function myUsage(deps: Pick<Services, "db" | "catalog" | "now">, viewer: Viewer) {
  const timezone = deps.catalog.settings().timezone;
  const since = new Date(dailyWindowStart(deps.now(), timezone));
  const scope: KeyScope = viewer.kind === "user" ? { keyId: viewer.keyId } : {};
  const [today, total, key, days] = await Promise.all([
    usageTotals(deps.db, scope, since),
    usageTotals(deps.db, scope),
    viewer.kind === "user" ? deps.db.apiKey.findUnique({ where: { id: viewer.keyId }, include: { user: { select: { name: true } } } }) : null,
    viewer.kind === "user" ? usageSeries(deps, { keyId: viewer.keyId }, 7) : [],
  ]);
  return { userName: key?.user.name ?? (viewer.kind === "admin" ? "admin" : null), keyName: key?.name ?? null, timezone, today, total, days };
}
