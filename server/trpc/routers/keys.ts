/** keys.*: API keys. The full key is returned once, by create; only its hash is stored. */
import { z } from "zod";
import type { Prisma } from "../../generated/prisma/client.ts";
import { generateApiKey, hashApiKey, maskApiKey } from "../../auth/api-keys.ts";
import { audit } from "../audit.ts";
import { keyView, limitData, limitInputFields, toKeyView } from "../schemas.ts";
import { adminProcedure, dashboardProcedure, isAdmin, router, type Viewer } from "../trpc.ts";
import { hubError } from "../hub-errors.ts";

const keyFields = {
  isEnabled: z.boolean().optional(),
  expiresAt: z.iso.datetime({ offset: true }).nullable().optional(),
  canLoginWebUi: z.boolean().optional(),
  providerGroup: z.string().max(500).nullable().optional(),
  cacheTtlPreference: z.enum(["inherit", "5m", "1h"]).optional(),
  ...limitInputFields,
};

function keyData(input: Record<string, unknown>) {
  const { id: _id, userId: _userId, expiresAt, ...rest } = input;
  const data: Record<string, unknown> = { ...rest, ...limitData(rest) };
  if (expiresAt !== undefined) data.expiresAt = expiresAt === null ? null : new Date(expiresAt as string);
  return data;
}

/**
 * A key created or updated with an expiry in the past would look configured yet refuse every
 * request; say so instead. (The clock is the hub's, so tests can drive it.)
 */
function refusePastExpiry(expiresAt: string | null | undefined, now: number): void {
  if (!expiresAt) return;
  if (new Date(expiresAt).getTime() <= now) {
    throw hubError("BAD_REQUEST", "keyExpiryPast", { expiresAt });
  }
}

/** Non-admins reach only their own keys. */
function ownWhere(viewer: Viewer): Prisma.ApiKeyWhereInput {
  return isAdmin(viewer) || viewer.kind !== "user" ? {} : { userId: viewer.userId };
}

export const keysRouter = router({
  create: adminProcedure
    .meta({ openapi: { method: "POST", path: "/keys/create", tags: ["keys"], summary: "Create an API key (the key is returned only here)", protect: true } })
    .input(z.object({ userId: z.number().int(), name: z.string().trim().min(1).max(100), ...keyFields }))
    .output(keyView.extend({ key: z.string().describe("The full key. Store it now: it is never shown again.") }))
    .mutation(async ({ ctx, input }) => {
      refusePastExpiry(input.expiresAt, ctx.now());
      const user = await ctx.db.user.findFirst({ where: { id: input.userId, deletedAt: null } });
      if (!user) throw hubError("NOT_FOUND", "userNotFound", { id: input.userId });
      const key = generateApiKey();
      const row = await ctx.db.apiKey.create({
        data: { ...keyData(input), userId: input.userId, name: input.name, keyHash: hashApiKey(key), keyMasked: maskApiKey(key) } as Prisma.ApiKeyUncheckedCreateInput,
      });
      // A negative lookup of this key may be cached from before it existed.
      await ctx.catalog.invalidate({ kind: "key", id: row.id });
      audit(ctx, "keys.create", { type: "key", id: row.id }, { after: toKeyView(row) });
      return { ...toKeyView(row), key };
    }),

  list: dashboardProcedure
    .meta({ openapi: { method: "POST", path: "/keys/list", tags: ["keys"], summary: "List API keys (masked)", protect: true } })
    .input(z.object({ userId: z.number().int().optional() }).default({}))
    .output(z.object({ items: z.array(keyView) }))
    .query(async ({ ctx, input }) => {
      const rows = await ctx.db.apiKey.findMany({
        where: { deletedAt: null, ...(input.userId ? { userId: input.userId } : {}), ...ownWhere(ctx.viewer) },
        orderBy: { id: "asc" },
      });
      // Provider groups are routing internals: a member does not see which group their key is in.
      const admin = isAdmin(ctx.viewer);
      return { items: rows.map((row) => (admin ? toKeyView(row) : { ...toKeyView(row), providerGroup: null })) };
    }),

  update: adminProcedure
    .meta({ openapi: { method: "POST", path: "/keys/update", tags: ["keys"], summary: "Update an API key", protect: true } })
    .input(z.object({ id: z.number().int(), name: z.string().trim().min(1).max(100).optional(), ...keyFields }))
    .output(keyView)
    .mutation(async ({ ctx, input }) => {
      refusePastExpiry(input.expiresAt, ctx.now());
      const before = await ctx.db.apiKey.findFirst({ where: { id: input.id, deletedAt: null } });
      if (!before) throw hubError("NOT_FOUND", "keyNotFound", { id: input.id });
      const row = await ctx.db.apiKey.update({ where: { id: input.id }, data: keyData(input) });
      await ctx.catalog.invalidate({ kind: "key", id: row.id });
      audit(ctx, "keys.update", { type: "key", id: row.id }, { before: toKeyView(before), after: toKeyView(row) });
      return toKeyView(row);
    }),

  delete: adminProcedure
    .meta({ openapi: { method: "POST", path: "/keys/delete", tags: ["keys"], summary: "Delete an API key", protect: true } })
    .input(z.object({ id: z.number().int() }))
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      const before = await ctx.db.apiKey.findFirst({ where: { id: input.id, deletedAt: null } });
      if (!before) throw hubError("NOT_FOUND", "keyNotFound", { id: input.id });
      await ctx.db.apiKey.update({ where: { id: input.id }, data: { deletedAt: new Date(ctx.now()), isEnabled: false } });
      await ctx.catalog.invalidate({ kind: "key", id: input.id });
      audit(ctx, "keys.delete", { type: "key", id: input.id }, { before: toKeyView(before) });
      return { ok: true as const };
    }),
});
