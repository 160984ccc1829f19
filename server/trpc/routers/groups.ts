/**
 * groups.*: provider groups. A group is a name that providers carry in their group tag and
 * users or keys are limited to; a group row adds a cost multiplier (and a description) to it.
 */
import { z } from "zod";
import { Prisma, type ProviderGroup } from "../../generated/prisma/client.ts";
import { parseGroups } from "../../catalog/mappers.ts";
import { audit } from "../audit.ts";
import { adminProcedure, router } from "../trpc.ts";
import { hubError } from "../hub-errors.ts";

const groupFields = {
  // Group lists are split on commas and newlines, so a name cannot contain them.
  name: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .regex(/^[^,，\n\r]+$/, "A group name cannot contain commas or line breaks."),
  costMultiplier: z.number().min(0).max(1000).describe("Applied to the cost of requests of this group, on top of the provider's multiplier"),
  description: z.string().max(500),
};

const groupView = z.object({
  id: z.number(),
  name: z.string(),
  costMultiplier: z.number(),
  description: z.string(),
  /** Providers (not deleted) whose group tag includes this group. */
  providerCount: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

function toGroupView(row: ProviderGroup, providerCount: number): z.infer<typeof groupView> {
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

/** How many providers serve each group (untagged providers serve "default"). */
async function providerCounts(db: Prisma.TransactionClient): Promise<Map<string, number>> {
  const rows = await db.provider.findMany({ where: { deletedAt: null }, select: { groupTag: true } });
  const counts = new Map<string, number>();
  for (const row of rows) for (const group of parseGroups(row.groupTag)) counts.set(group, (counts.get(group) ?? 0) + 1);
  return counts;
}

function uniqueName(error: unknown): never {
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
    throw hubError("CONFLICT", "groupExists");
  }
  throw error;
}

const notFound = (id: number) => hubError("NOT_FOUND", "groupNotFound", { id });

export const groupsRouter = router({
  list: adminProcedure
    .meta({ openapi: { method: "POST", path: "/groups/list", tags: ["groups"], summary: "Provider groups with their cost multipliers", protect: true } })
    .input(z.object({}).default({}))
    .output(z.object({ items: z.array(groupView), untracked: z.array(z.string()).describe("Groups providers carry that have no row (multiplier 1)") }))
    .query(async ({ ctx }) => {
      const [rows, counts] = await Promise.all([ctx.db.providerGroup.findMany({ orderBy: { name: "asc" } }), providerCounts(ctx.db)]);
      const named = new Set(rows.map((r) => r.name));
      return {
        items: rows.map((row) => toGroupView(row, counts.get(row.name) ?? 0)),
        untracked: [...counts.keys()].filter((g) => !named.has(g)).sort(),
      };
    }),

  create: adminProcedure
    .meta({ openapi: { method: "POST", path: "/groups/create", tags: ["groups"], summary: "Create a provider group", protect: true } })
    .input(z.object({ ...groupFields, costMultiplier: groupFields.costMultiplier.default(1), description: groupFields.description.default("") }))
    .output(groupView)
    .mutation(async ({ ctx, input }) => {
      const row = await ctx.db.providerGroup
        .create({ data: { name: input.name, costMultiplier: String(input.costMultiplier), description: input.description } })
        .catch(uniqueName);
      await ctx.catalog.invalidate({ kind: "groups" });
      const view = toGroupView(row, (await providerCounts(ctx.db)).get(row.name) ?? 0);
      audit(ctx, "groups.create", { type: "provider_group", id: row.id }, { after: view });
      return view;
    }),

  update: adminProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/groups/update",
        tags: ["groups"],
        summary: "Update a provider group (renaming does not retag providers or users)",
        protect: true,
      },
    })
    .input(z.object({ id: z.number().int(), ...z.object(groupFields).partial().shape }))
    .output(groupView)
    .mutation(async ({ ctx, input }) => {
      const before = await ctx.db.providerGroup.findUnique({ where: { id: input.id } });
      if (!before) throw notFound(input.id);
      const { id, costMultiplier, ...rest } = input;
      const row = await ctx.db.providerGroup
        .update({ where: { id }, data: { ...rest, ...(costMultiplier !== undefined ? { costMultiplier: String(costMultiplier) } : {}) } })
        .catch(uniqueName);
      await ctx.catalog.invalidate({ kind: "groups" });
      const counts = await providerCounts(ctx.db);
      const view = toGroupView(row, counts.get(row.name) ?? 0);
      audit(ctx, "groups.update", { type: "provider_group", id }, { before: toGroupView(before, counts.get(before.name) ?? 0), after: view });
      return view;
    }),

  delete: adminProcedure
    .meta({ openapi: { method: "POST", path: "/groups/delete", tags: ["groups"], summary: "Delete a provider group (its multiplier falls back to 1)", protect: true } })
    .input(z.object({ id: z.number().int() }))
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      const before = await ctx.db.providerGroup.findUnique({ where: { id: input.id } });
      if (!before) throw notFound(input.id);
      await ctx.db.providerGroup.delete({ where: { id: input.id } });
      await ctx.catalog.invalidate({ kind: "groups" });
      audit(ctx, "groups.delete", { type: "provider_group", id: input.id }, { before: toGroupView(before, 0) });
      return { ok: true as const };
    }),
});
