/**
 * The API keys' work. The full key exists only in create's answer; only its hash and a masked
 * form are stored. Members reach only their own keys, without the provider group.
 */
import type { ApiKey, Prisma } from "../generated/prisma/client.ts";
import { generateApiKey, hashApiKey, maskApiKey } from "../auth/api-keys.ts";
import { hubError } from "../trpc/hub-errors.ts";
import { limitData, type LimitInput, toKeyView } from "../trpc/schemas.ts";
import { isAdmin, type Services, type Viewer } from "../trpc/trpc.ts";

/** A create or update input as the router validated it (limits and the rest pass through). */
export type KeyInput = { id?: number; userId?: number; expiresAt?: string | null } & LimitInput & Record<string, unknown>;

/** Input → Prisma data: limits in their columns, the expiry as a date; the id and owner are not data. */
export function keyData(input: KeyInput): Record<string, unknown> {
  const { id: _id, userId: _userId, expiresAt, ...rest } = input;
  const data: Record<string, unknown> = { ...rest, ...limitData(rest) };
  if (expiresAt !== undefined) data.expiresAt = expiresAt === null ? null : new Date(expiresAt);
  return data;
}

/**
 * A key created or updated with an expiry in the past would look configured yet refuse every
 * request; say so instead. (The clock is the hub's, so tests can drive it.)
 */
export function refusePastExpiry(expiresAt: string | null | undefined, now: number): void {
  if (!expiresAt) return;
  if (new Date(expiresAt).getTime() <= now) {
    throw hubError("BAD_REQUEST", "keyExpiryPast", { expiresAt });
  }
}

/** Non-admins reach only their own keys. */
export function ownKeysWhere(viewer: Viewer): Prisma.ApiKeyWhereInput {
  return isAdmin(viewer) || viewer.kind !== "user" ? {} : { userId: viewer.userId };
}

/** A listed key; a member (`admin` false) does not see which provider group it is in. */
export function toListedKey(row: ApiKey, admin: boolean) {
  return admin ? toKeyView(row) : { ...toKeyView(row), providerGroup: null };
}

/** Creates a key for a user (not deleted); the row and the full key, which is never stored. */
export async function createKey(
  deps: Pick<Services, "db" | "catalog" | "now">,
  input: KeyInput & { userId: number; name: string },
): Promise<{ row: ApiKey; key: string }> {
  refusePastExpiry(input.expiresAt, deps.now());
  const user = await deps.db.user.findFirst({ where: { id: input.userId, deletedAt: null } });
  if (!user) throw hubError("NOT_FOUND", "userNotFound", { id: input.userId });
  const key = generateApiKey();
  const row = await deps.db.apiKey.create({
    data: { ...keyData(input), userId: input.userId, name: input.name, keyHash: hashApiKey(key), keyMasked: maskApiKey(key) } as Prisma.ApiKeyUncheckedCreateInput,
  });
  // A negative lookup of this key may be cached from before it existed.
  await deps.catalog.invalidate({ kind: "key", id: row.id });
  return { row, key };
}

/** The keys (not deleted) the viewer may reach, optionally of one user, by id. */
export async function listKeys(db: Services["db"], viewer: Viewer, filter: { userId?: number }) {
  const rows = await db.apiKey.findMany({
    where: { deletedAt: null, ...(filter.userId ? { userId: filter.userId } : {}), ...ownKeysWhere(viewer) },
    orderBy: { id: "asc" },
  });
  const admin = isAdmin(viewer);
  return { items: rows.map((row) => toListedKey(row, admin)) };
}

const keyNotFound = (id: number) => hubError("NOT_FOUND", "keyNotFound", { id });

/** Updates a key (not deleted); the rows before and after, for the audit log. */
export async function updateKey(deps: Pick<Services, "db" | "catalog" | "now">, input: KeyInput & { id: number }): Promise<{ before: ApiKey; after: ApiKey }> {
  refusePastExpiry(input.expiresAt, deps.now());
  const before = await deps.db.apiKey.findFirst({ where: { id: input.id, deletedAt: null } });
  if (!before) throw keyNotFound(input.id);
  const after = await deps.db.apiKey.update({ where: { id: input.id }, data: keyData(input) });
  await deps.catalog.invalidate({ kind: "key", id: after.id });
  return { before, after };
}

/** Soft-deletes and disables a key; the row before, for the audit log. */
export async function deleteKey(deps: Pick<Services, "db" | "catalog" | "now">, id: number): Promise<ApiKey> {
  const before = await deps.db.apiKey.findFirst({ where: { id, deletedAt: null } });
  if (!before) throw keyNotFound(id);
  await deps.db.apiKey.update({ where: { id }, data: { deletedAt: new Date(deps.now()), isEnabled: false } });
  await deps.catalog.invalidate({ kind: "key", id });
  return before;
}
