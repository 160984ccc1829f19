/** Display names of users, keys and providers by id, for pages that list ids from the log or the rollups. */
import type { Db } from "./database.ts";

/** Names keep the "#deleted-<n>" suffix a soft delete adds out of sight. */
export const displayName = (name: string) => name.replace(/#deleted-\d+$/, "");

export interface Names {
  users: Map<number, string>;
  keys: Map<number, string>;
  providers: Map<number, string>;
}

export async function loadNames(db: Db, ids: { users?: Iterable<number>; keys?: Iterable<number>; providers?: Iterable<number> }): Promise<Names> {
  const list = (v?: Iterable<number>) => [...new Set(v ?? [])].filter((n) => Number.isInteger(n));
  const [users, keys, providers] = await Promise.all([
    list(ids.users).length ? db.user.findMany({ where: { id: { in: list(ids.users) } }, select: { id: true, name: true } }) : [],
    list(ids.keys).length ? db.apiKey.findMany({ where: { id: { in: list(ids.keys) } }, select: { id: true, name: true } }) : [],
    list(ids.providers).length ? db.provider.findMany({ where: { id: { in: list(ids.providers) } }, select: { id: true, name: true } }) : [],
  ]);
  const map = (rows: Array<{ id: number; name: string }>) => new Map(rows.map((r) => [r.id, displayName(r.name)]));
  return { users: map(users), keys: map(keys), providers: map(providers) };
}
