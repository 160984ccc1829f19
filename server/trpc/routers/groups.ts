/**
 * groups.*: provider groups. A group is a name that providers carry in their group tag and
 * users or keys are limited to; a group row adds a cost multiplier (and a description) to it.
 * The queries and counts live in server/admin/groups.ts.
 */
import { z } from "zod";
import { createGroup, deleteGroup, listGroups, updateGroup } from "../../admin/groups.ts";
import { audit } from "../audit.ts";
import { adminProcedure, router } from "../trpc.ts";

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

export const groupsRouter = router({
  list: adminProcedure
    .meta({ openapi: { method: "POST", path: "/groups/list", tags: ["groups"], summary: "Provider groups with their cost multipliers", protect: true } })
    .input(z.object({}).default({}))
    .output(z.object({ items: z.array(groupView), untracked: z.array(z.string()).describe("Groups providers carry that have no row (multiplier 1)") }))
    .query(({ ctx }) => listGroups(ctx.db)),

  create: adminProcedure
    .meta({ openapi: { method: "POST", path: "/groups/create", tags: ["groups"], summary: "Create a provider group", protect: true } })
    .input(z.object({ ...groupFields, costMultiplier: groupFields.costMultiplier.default(1), description: groupFields.description.default("") }))
    .output(groupView)
    .mutation(async ({ ctx, input }) => {
      const view = await createGroup(ctx, input);
      audit(ctx, "groups.create", { type: "provider_group", id: view.id }, { after: view });
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
      const { before, after } = await updateGroup(ctx, input);
      audit(ctx, "groups.update", { type: "provider_group", id: input.id }, { before, after });
      return after;
    }),

  delete: adminProcedure
    .meta({ openapi: { method: "POST", path: "/groups/delete", tags: ["groups"], summary: "Delete a provider group (its multiplier falls back to 1)", protect: true } })
    .input(z.object({ id: z.number().int() }))
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      const before = await deleteGroup(ctx, input.id);
      audit(ctx, "groups.delete", { type: "provider_group", id: input.id }, { before });
      return { ok: true as const };
    }),
});
