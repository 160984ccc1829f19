/**
 * The provider groups' work. A group is a name that providers carry in their group tag and users
 * or keys are limited to; a group row adds a cost multiplier (and a description) to it.
 */
import type { Prisma, ProviderGroup } from "../generated/prisma/client.ts";
import { parseGroups } from "../catalog/mappers.ts";
import { hubError } from "../trpc/hub-errors.ts";
import type { Services } from "../trpc/trpc.ts";
import { conflictOnDuplicateName } from "./unique-name.ts";

export interface GroupView {
  id: number;
  name: string;
  costMultiplier: number;
  description: string;
  /** Providers (not deleted) whose group tag includes this group. */
  providerCount: number;
  createdAt: string;
  updatedAt: string;
}

export function toGroupView(row: ProviderGroup, providerCount: number): GroupView {
  return {
    id: row.id,
    name: row.name,
    costMultiplier: Number(row.costMultiplier.toString()),
    description: row.description,
    providerCount,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** How many of the given group tags include each group (an untagged provider serves "default"). */
export function countGroups(groupTags: Array<string | null>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const tag of groupTags) for (const group of parseGroups(tag)) counts.set(group, (counts.get(group) ?? 0) + 1);
  return counts;
}

/** How many providers (not deleted) serve each group. */
async function providerCounts(db: Prisma.TransactionClient): Promise<Map<string, number>> {
  const rows = await db.provider.findMany({ where: { deletedAt: null }, select: { groupTag: true } });
  return countGroups(rows.map((r) => r.groupTag));
}

/** Groups providers carry that have no row (their multiplier is 1), sorted. */
export function untrackedGroups(counts: Map<string, number>, rows: ProviderGroup[]): string[] {
  const named = new Set(rows.map((r) => r.name));
  return [...counts.keys()].filter((g) => !named.has(g)).sort();
}

export async function listGroups(db: Services["db"]) {
  const [rows, counts] = await Promise.all([db.providerGroup.findMany({ orderBy: { name: "asc" } }), providerCounts(db)]);
  return { items: rows.map((row) => toGroupView(row, counts.get(row.name) ?? 0)), untracked: untrackedGroups(counts, rows) };
}

const duplicateName = conflictOnDuplicateName("groupExists");
const groupNotFound = (id: number) => hubError("NOT_FOUND", "groupNotFound", { id });

export async function createGroup(deps: Pick<Services, "db" | "catalog">, input: { name: string; costMultiplier: number; description: string }): Promise<GroupView> {
  const row = await deps.db.providerGroup
    .create({ data: { name: input.name, costMultiplier: String(input.costMultiplier), description: input.description } })
    .catch(duplicateName);
  await deps.catalog.invalidate({ kind: "groups" });
  return toGroupView(row, (await providerCounts(deps.db)).get(row.name) ?? 0);
}

/** Updates a group (renaming does not retag providers or users); the views before and after, for the audit log. */
export async function updateGroup(
  deps: Pick<Services, "db" | "catalog">,
  input: { id: number; name?: string; costMultiplier?: number; description?: string },
): Promise<{ before: GroupView; after: GroupView }> {
  const before = await deps.db.providerGroup.findUnique({ where: { id: input.id } });
  if (!before) throw groupNotFound(input.id);
  const { id, costMultiplier, ...rest } = input;
  const row = await deps.db.providerGroup
    .update({ where: { id }, data: { ...rest, ...(costMultiplier !== undefined ? { costMultiplier: String(costMultiplier) } : {}) } })
    .catch(duplicateName);
  await deps.catalog.invalidate({ kind: "groups" });
  const counts = await providerCounts(deps.db);
  return { before: toGroupView(before, counts.get(before.name) ?? 0), after: toGroupView(row, counts.get(row.name) ?? 0) };
}

/** Deletes a group (its multiplier falls back to 1); its view before, for the audit log. */
export async function deleteGroup(deps: Pick<Services, "db" | "catalog">, id: number): Promise<GroupView> {
  const before = await deps.db.providerGroup.findUnique({ where: { id } });
  if (!before) throw groupNotFound(id);
  await deps.db.providerGroup.delete({ where: { id } });
  await deps.catalog.invalidate({ kind: "groups" });
  return toGroupView(before, 0);
}
