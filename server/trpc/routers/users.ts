/**
 * users.*: team members. Admins manage everyone; a dashboard user sees only themself. The
 * queries, the roster's activity and the rules live in server/admin/users.ts.
 */
import { z } from "zod";
import { createUser, deleteUser, listUsers, updateUser, userUsage } from "../../admin/users.ts";
import { audit } from "../audit.ts";
import { clientListInput, userModelRulesInput } from "../policy-inputs.ts";
import { limitInputFields, toUserView, usageDay, userView } from "../schemas.ts";
import { adminProcedure, dashboardProcedure, router } from "../trpc.ts";

const userFields = {
  description: z.string().max(500).optional(),
  role: z.enum(["admin", "user"]).optional(),
  providerGroup: z.string().max(500).nullable().optional(),
  tags: z.array(z.string().max(50)).max(50).optional(),
  isEnabled: z.boolean().optional(),
  expiresAt: z.iso.datetime({ offset: true }).nullable().optional(),
  allowedModels: userModelRulesInput.optional(),
  allowedClients: clientListInput.optional(),
  blockedClients: clientListInput.optional(),
  ...limitInputFields,
};

const createInput = z.object({ name: z.string().trim().min(1).max(100), ...userFields });
const updateInput = z.object({ id: z.number().int(), name: z.string().trim().min(1).max(100).optional(), ...userFields });

/** What the roster shows beside each user: spend today and this month (hub time zone), requests today, last request. */
const userActivity = z.object({
  todayCostUsd: z.number(),
  monthCostUsd: z.number(),
  todayRequests: z.number().describe("Every request today, failures included"),
  lastActiveAt: z.string().nullable(),
});

export const usersRouter = router({
  create: adminProcedure
    .meta({ openapi: { method: "POST", path: "/users/create", tags: ["users"], summary: "Create a user", protect: true } })
    .input(createInput)
    .output(userView)
    .mutation(async ({ ctx, input }) => {
      const view = toUserView(await createUser(ctx.db, input));
      audit(ctx, "users.create", { type: "user", id: view.id }, { after: view });
      return view;
    }),

  list: dashboardProcedure
    .meta({ openapi: { method: "POST", path: "/users/list", tags: ["users"], summary: "List users with their key counts", protect: true } })
    .input(z.object({ search: z.string().optional(), includeDisabled: z.boolean().default(true) }).default({ includeDisabled: true }))
    .output(z.object({ items: z.array(userView.extend({ keyCount: z.number(), activity: userActivity })) }))
    .query(({ ctx, input }) => listUsers(ctx, ctx.viewer, input)),

  usage: dashboardProcedure
    .meta({ openapi: { method: "POST", path: "/users/usage", tags: ["users"], summary: "A user's requests, errors and cost per day (a member: only themself)", protect: true } })
    .input(z.object({ userId: z.number().int(), days: z.number().int().min(1).max(31).default(7) }))
    .output(z.object({ timezone: z.string(), days: z.array(usageDay) }))
    .query(({ ctx, input }) => userUsage(ctx, ctx.viewer, input)),

  update: adminProcedure
    .meta({ openapi: { method: "POST", path: "/users/update", tags: ["users"], summary: "Update a user", protect: true } })
    .input(updateInput)
    .output(userView)
    .mutation(async ({ ctx, input }) => {
      const { before, after } = await updateUser(ctx, input);
      const view = toUserView(after);
      audit(ctx, "users.update", { type: "user", id: view.id }, { before: toUserView(before), after: view });
      return view;
    }),

  delete: adminProcedure
    .meta({ openapi: { method: "POST", path: "/users/delete", tags: ["users"], summary: "Delete a user and disable their keys", protect: true } })
    .input(z.object({ id: z.number().int() }))
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      const before = await deleteUser(ctx, input.id);
      audit(ctx, "users.delete", { type: "user", id: input.id }, { before: toUserView(before) });
      return { ok: true as const };
    }),
});
