/** providers.*: upstreams. The upstream key is encrypted at rest and only ever shown masked. */
import { z } from "zod";
import { Prisma, type Provider } from "../../generated/prisma/client.ts";
import type { SecretBox } from "../../auth/secrets.ts";
import {
  mergeCustomHeaders,
  mergeProxyUrl,
  openCustomHeaders,
  openProxyUrl,
  sealCustomHeaders,
  sealProxyUrl,
} from "../../catalog/provider-secrets.ts";
import { audit } from "../audit.ts";
import { clientListInput } from "../policy-inputs.ts";
import {
  HH_MM,
  limitData,
  limitInputFields,
  modelRedirectRule,
  modelRule,
  PROVIDER_TYPE,
  providerView,
  toProviderView,
} from "../schemas.ts";
import { CODEX_INSTRUCTIONS_STRATEGIES, MAX_CUSTOM_INSTRUCTIONS_BYTES } from "../../gateway/providers/codex/instructions.ts";
import { adminProcedure, router } from "../trpc.ts";
import { providerHealthProcedures } from "./providers-health.ts";
import { hubError } from "../hub-errors.ts";
import { refineProblem } from "../../domain/validation-problems.ts";

const httpUrl = z
  .url({ protocol: /^https?$/ })
  .max(2000)
  .describe("Base URL of the upstream, e.g. https://api.anthropic.com");
const proxyUrl = z.url({ protocol: /^(https?|socks5h?)$/ }).max(2000);

const providerFields = {
  description: z.string().max(1000).optional(),
  isEnabled: z.boolean().optional(),
  weight: z.number().int().min(0).max(1000).optional(),
  priority: z.number().int().min(0).max(1_000_000).optional(),
  groupPriorities: z.record(z.string(), z.number().int()).optional(),
  costMultiplier: z.number().min(0).max(1000).optional(),
  groupTag: z.string().max(500).nullable().optional(),
  activeTimeStart: z.string().regex(HH_MM).nullable().optional(),
  activeTimeEnd: z.string().regex(HH_MM).nullable().optional(),
  allowedModels: z.array(modelRule).optional(),
  modelRedirects: z.array(modelRedirectRule).optional(),
  allowedClients: clientListInput.optional(),
  blockedClients: clientListInput.optional(),
  ...limitInputFields,
  maxRetryAttempts: z.number().int().min(1).max(10).nullable().optional(),
  circuitBreakerFailureThreshold: z.number().int().min(0).max(1000).optional(),
  circuitBreakerOpenDurationMs: z.number().int().min(1000).max(7 * 24 * 3600 * 1000).optional(),
  circuitBreakerHalfOpenSuccessThreshold: z.number().int().min(1).max(100).optional(),
  circuitBreakerHalfOpenMaxProbes: z.number().int().min(1).max(100).optional(),
  firstByteTimeoutStreamingMs: z.number().int().min(0).max(600_000).optional(),
  streamingIdleTimeoutMs: z.number().int().min(0).max(3_600_000).optional(),
  requestTimeoutNonStreamingMs: z.number().int().min(0).max(3_600_000).optional(),
  clientAbortPolicy: z.enum(["abort", "drain"]).optional(),
  drainTimeoutMs: z.number().int().min(0).max(600_000).optional(),
  sessionTtlSeconds: z.number().int().min(1).max(7 * 24 * 3600).nullable().optional(),
  disableSessionReuse: z.boolean().optional(),
  reclaimSessions: z.boolean().optional(),
  proxyUrl: proxyUrl.nullable().optional(),
  proxyFallbackToDirect: z.boolean().optional(),
  preserveClientIp: z.boolean().optional(),
  customHeaders: z.record(z.string(), z.string()).optional(),
  cacheTtlPreference: z.enum(["inherit", "5m", "1h"]).optional(),
  mcpPassthroughType: z.enum(["none", "minimax", "glm"]).optional(),
  mcpPassthroughUrl: httpUrl.nullable().optional(),
  websiteUrl: httpUrl.nullable().optional(),
  codexInstructionsStrategy: z.enum(CODEX_INSTRUCTIONS_STRATEGIES).optional(),
  codexInstructions: z
    .string()
    .max(MAX_CUSTOM_INSTRUCTIONS_BYTES)
    .refine((text) => Buffer.byteLength(text, "utf8") <= MAX_CUSTOM_INSTRUCTIONS_BYTES, refineProblem("codexInstructionsTooLong"))
    .nullable()
    .optional()
    .describe("The instructions a codex provider with the custom strategy sends upstream"),
  allowFormatConversion: z
    .boolean()
    .optional()
    .describe("Serve requests of other wire formats through conversion; on create, defaults to true for openai-compatible and false for the other types"),
};

const createInput = z.object({
  name: z.string().trim().min(1).max(100),
  url: httpUrl,
  key: z.string().min(1).max(20_000).describe("The upstream API key (or a Gemini OAuth credential JSON)"),
  providerType: PROVIDER_TYPE,
  ...providerFields,
});

const updateInput = z.object({
  id: z.number().int(),
  name: z.string().trim().min(1).max(100).optional(),
  url: httpUrl.optional(),
  key: z.string().min(1).max(20_000).optional().describe("A new upstream key; omit to keep the current one"),
  providerType: PROVIDER_TYPE.optional(),
  ...providerFields,
});

type ProviderInput = Partial<z.infer<typeof updateInput>>;

/**
 * Input → Prisma data. Secrets are sealed; on an update (`before` given) a proxy URL or header
 * sent back masked, as the view showed it, keeps the stored secret.
 */
function providerData(input: ProviderInput, secrets: SecretBox, before?: Provider) {
  const { id: _id, key, costMultiplier, proxyUrl, customHeaders, ...rest } = input;
  const data: Record<string, unknown> = { ...rest, ...limitData(rest) };
  if (key !== undefined) data.keyEncrypted = secrets.encrypt(key.trim());
  if (costMultiplier !== undefined) data.costMultiplier = String(costMultiplier);
  if (proxyUrl !== undefined) {
    const current = before ? openProxyUrl(before.proxyUrl, secrets) : null;
    data.proxyUrl = sealProxyUrl(mergeProxyUrl(proxyUrl, current), secrets);
  }
  if (customHeaders !== undefined) {
    const current = before ? openCustomHeaders(before.customHeaders, secrets) : {};
    data.customHeaders = sealCustomHeaders(mergeCustomHeaders(customHeaders, current), secrets);
  }
  return data;
}

/** The `custom` Codex instructions strategy needs its text (what the row will hold after the write). */
function requireCustomInstructions(strategy: string | undefined, text: string | null | undefined) {
  if (strategy === "custom" && !text?.trim()) {
    throw hubError("BAD_REQUEST", "codexInstructionsMissing");
  }
}

function uniqueName(error: unknown): never {
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
    throw hubError("CONFLICT", "providerExists");
  }
  throw error;
}

export const providersRouter = router({
  // health, resetBreaker, test
  ...providerHealthProcedures,

  create: adminProcedure
    .meta({ openapi: { method: "POST", path: "/providers/create", tags: ["providers"], summary: "Create a provider", protect: true } })
    .input(createInput)
    .output(providerView)
    .mutation(async ({ ctx, input }) => {
      requireCustomInstructions(input.codexInstructionsStrategy, input.codexInstructions);
      const row = await ctx.db.provider
        .create({
          data: {
            // The manual promises conversion for openai-compatible providers; the admin decides for the others.
            allowFormatConversion: input.providerType === "openai-compatible",
            ...providerData(input, ctx.secrets),
          } as Prisma.ProviderCreateInput,
        })
        .catch(uniqueName);
      await ctx.catalog.invalidate({ kind: "providers" });
      const view = toProviderView(row, ctx.secrets);
      audit(ctx, "providers.create", { type: "provider", id: row.id }, { after: view });
      return view;
    }),

  list: adminProcedure
    .meta({ openapi: { method: "POST", path: "/providers/list", tags: ["providers"], summary: "List providers (upstream keys masked)", protect: true } })
    .input(z.object({ providerType: PROVIDER_TYPE.optional() }).default({}))
    .output(z.object({ items: z.array(providerView) }))
    .query(async ({ ctx, input }) => {
      const rows = await ctx.db.provider.findMany({
        where: { deletedAt: null, ...(input.providerType ? { providerType: input.providerType } : {}) },
        orderBy: [{ priority: "asc" }, { id: "asc" }],
      });
      return { items: rows.map((row) => toProviderView(row, ctx.secrets)) };
    }),

  update: adminProcedure
    .meta({ openapi: { method: "POST", path: "/providers/update", tags: ["providers"], summary: "Update a provider", protect: true } })
    .input(updateInput)
    .output(providerView)
    .mutation(async ({ ctx, input }) => {
      const before = await ctx.db.provider.findFirst({ where: { id: input.id, deletedAt: null } });
      if (!before) throw hubError("NOT_FOUND", "providerNotFound", { id: input.id });
      requireCustomInstructions(input.codexInstructionsStrategy ?? before.codexInstructionsStrategy, input.codexInstructions !== undefined ? input.codexInstructions : before.codexInstructions);
      const row = await ctx.db.provider
        .update({ where: { id: input.id }, data: providerData(input, ctx.secrets, before) })
        .catch(uniqueName);
      await ctx.catalog.invalidate({ kind: "providers" });
      const view = toProviderView(row, ctx.secrets);
      audit(ctx, "providers.update", { type: "provider", id: row.id }, { before: toProviderView(before, ctx.secrets), after: view });
      return view;
    }),

  delete: adminProcedure
    .meta({ openapi: { method: "POST", path: "/providers/delete", tags: ["providers"], summary: "Delete a provider", protect: true } })
    .input(z.object({ id: z.number().int() }))
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      const before = await ctx.db.provider.findFirst({ where: { id: input.id, deletedAt: null } });
      if (!before) throw hubError("NOT_FOUND", "providerNotFound", { id: input.id });
      // Soft delete (the name is freed for reuse): the request log keeps pointing at it.
      await ctx.db.provider.update({
        where: { id: input.id },
        data: { deletedAt: new Date(ctx.now()), isEnabled: false, name: `${before.name}#deleted-${before.id}` },
      });
      await ctx.catalog.invalidate({ kind: "providers" });
      audit(ctx, "providers.delete", { type: "provider", id: input.id }, { before: toProviderView(before, ctx.secrets) });
      return { ok: true as const };
    }),
});
