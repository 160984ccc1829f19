/** users.*: team members. Admins manage everyone; a dashboard user sees only themself. */
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { Prisma } from "../../generated/prisma/client.ts";
import { audit } from "../audit.ts";
import { clientListInput, userModelRulesInput } from "../policy-inputs.ts";
import { limitData, limitInputFields, toUserView, userView } from "../schemas.ts";
import { adminProcedure, dashboardProcedure, isAdmin, router } from "../trpc.ts";

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

function userData(input: Partial<z.infer<typeof updateInput>>) {
  const { id: _id, expiresAt, ...rest } = input;
  const data: Record<string, unknown> = { ...rest, ...limitData(rest) };
  if (expiresAt !== undefined) data.expiresAt = expiresAt === null ? null : new Date(expiresAt);
  return data;
}

function uniqueName(error: unknown): never {
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
    throw new TRPCError({ code: "CONFLICT", message: "A user with this name already exists." });
  }
  throw error;
}

export const usersRouter = router({
  create: adminProcedure
    .meta({ openapi: { method: "POST", path: "/users/create", tags: ["users"], summary: "Create a user", protect: true } })
    .input(createInput)
    .output(userView)
    .mutation(async ({ ctx, input }) => {
      const row = await ctx.db.user.create({ data: userData(input) as Prisma.UserCreateInput }).catch(uniqueName);
      audit(ctx, "users.create", { type: "user", id: row.id }, { after: toUserView(row) });
      return toUserView(row);
    }),

  list: dashboardProcedure
    .meta({ openapi: { method: "POST", path: "/users/list", tags: ["users"], summary: "List users with their key counts", protect: true } })
    .input(z.object({ search: z.string().optional(), includeDisabled: z.boolean().default(true) }).default({ includeDisabled: true }))
    .output(z.object({ items: z.array(userView.extend({ keyCount: z.number() })) }))
    .query(async ({ ctx, input }) => {
      const where: Prisma.UserWhereInput = { deletedAt: null };
      if (!isAdmin(ctx.viewer) && ctx.viewer.kind === "user") where.id = ctx.viewer.userId;
      if (input.search) where.name = { contains: input.search, mode: "insensitive" };
      if (!input.includeDisabled) where.isEnabled = true;
      const rows = await ctx.db.user.findMany({
        where,
        orderBy: { id: "asc" },
        include: { _count: { select: { keys: { where: { deletedAt: null } } } } },
      });
      return { items: rows.map((row) => ({ ...toUserView(row), keyCount: row._count.keys })) };
    }),

  update: adminProcedure
    .meta({ openapi: { method: "POST", path: "/users/update", tags: ["users"], summary: "Update a user", protect: true } })
    .input(updateInput)
    .output(userView)
    .mutation(async ({ ctx, input }) => {
      const before = await ctx.db.user.findFirst({ where: { id: input.id, deletedAt: null } });
      if (!before) throw new TRPCError({ code: "NOT_FOUND", message: `User ${input.id} not found.` });
      const row = await ctx.db.user.update({ where: { id: input.id }, data: userData(input) }).catch(uniqueName);
      await ctx.catalog.invalidate({ kind: "user", id: row.id });
      audit(ctx, "users.update", { type: "user", id: row.id }, { before: toUserView(before), after: toUserView(row) });
      return toUserView(row);
    }),

  delete: adminProcedure
    .meta({ openapi: { method: "POST", path: "/users/delete", tags: ["users"], summary: "Delete a user and disable their keys", protect: true } })
    .input(z.object({ id: z.number().int() }))
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      const existing = await ctx.db.user.findFirst({ where: { id: input.id, deletedAt: null } });
      if (!existing) throw new TRPCError({ code: "NOT_FOUND", message: `User ${input.id} not found.` });
      const deletedAt = new Date(ctx.now());
      // Soft delete: the request log and the ledger keep pointing at a real user.
      await ctx.db.$transaction([
        ctx.db.user.update({ where: { id: input.id }, data: { deletedAt, isEnabled: false, name: `${existing.name}#deleted-${existing.id}` } }),
        ctx.db.apiKey.updateMany({ where: { userId: input.id, deletedAt: null }, data: { deletedAt, isEnabled: false } }),
      ]);
      await ctx.catalog.invalidate({ kind: "user", id: input.id });
      audit(ctx, "users.delete", { type: "user", id: input.id }, { before: toUserView(existing) });
      return { ok: true as const };
    }),
});
