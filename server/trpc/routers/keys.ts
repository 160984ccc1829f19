/**
 * keys.*: API keys. The full key is returned once, by create; only its hash is stored. The
 * queries and rules live in server/admin/keys.ts.
 */
import { z } from "zod";
import { createKey, deleteKey, listKeys, updateKey } from "../../admin/keys.ts";
import { audit } from "../audit.ts";
import { keyView, limitInputFields, toKeyView } from "../schemas.ts";
import { adminProcedure, dashboardProcedure, router } from "../trpc.ts";

const keyFields = {
  isEnabled: z.boolean().optional(),
  expiresAt: z.iso.datetime({ offset: true }).nullable().optional(),
  canLoginWebUi: z.boolean().optional(),
  providerGroup: z.string().max(500).nullable().optional(),
  cacheTtlPreference: z.enum(["inherit", "5m", "1h"]).optional(),
  ...limitInputFields,
};

export const keysRouter = router({
  create: adminProcedure
    .meta({ openapi: { method: "POST", path: "/keys/create", tags: ["keys"], summary: "Create an API key (the key is returned only here)", protect: true } })
    .input(z.object({ userId: z.number().int(), name: z.string().trim().min(1).max(100), ...keyFields }))
    .output(keyView.extend({ key: z.string().describe("The full key. Store it now: it is never shown again.") }))
    .mutation(async ({ ctx, input }) => {
      const { row, key } = await createKey(ctx, input);
      audit(ctx, "keys.create", { type: "key", id: row.id }, { after: toKeyView(row) });
      return { ...toKeyView(row), key };
    }),

  list: dashboardProcedure
    .meta({ openapi: { method: "POST", path: "/keys/list", tags: ["keys"], summary: "List API keys (masked)", protect: true } })
    .input(z.object({ userId: z.number().int().optional() }).default({}))
    .output(z.object({ items: z.array(keyView) }))
    .query(({ ctx, input }) => listKeys(ctx.db, ctx.viewer, input)),

  update: adminProcedure
    .meta({ openapi: { method: "POST", path: "/keys/update", tags: ["keys"], summary: "Update an API key", protect: true } })
    .input(z.object({ id: z.number().int(), name: z.string().trim().min(1).max(100).optional(), ...keyFields }))
    .output(keyView)
    .mutation(async ({ ctx, input }) => {
      const { before, after } = await updateKey(ctx, input);
      audit(ctx, "keys.update", { type: "key", id: after.id }, { before: toKeyView(before), after: toKeyView(after) });
      return toKeyView(after);
    }),

  delete: adminProcedure
    .meta({ openapi: { method: "POST", path: "/keys/delete", tags: ["keys"], summary: "Delete an API key", protect: true } })
    .input(z.object({ id: z.number().int() }))
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      const before = await deleteKey(ctx, input.id);
      audit(ctx, "keys.delete", { type: "key", id: input.id }, { before: toKeyView(before) });
      return { ok: true as const };
    }),
});
