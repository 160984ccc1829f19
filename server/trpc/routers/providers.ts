/**
 * providers.*: upstreams. The upstream key is encrypted at rest and only ever shown masked. The
 * queries, the sealing of secrets and the rules live in server/admin/providers.ts.
 */
import { z } from "zod";
import { createProvider, deleteProvider, listProviders, updateProvider } from "../../admin/providers.ts";
import { audit } from "../audit.ts";
import { clientListInput } from "../policy-inputs.ts";
import { HH_MM, limitInputFields, modelRedirectRule, modelRule, PROVIDER_TYPE, providerView } from "../schemas.ts";
import { CODEX_INSTRUCTIONS_STRATEGIES, MAX_CUSTOM_INSTRUCTIONS_BYTES } from "../../gateway/providers/codex/instructions.ts";
import { adminProcedure, router } from "../trpc.ts";
import { providerHealthProcedures } from "./providers-health.ts";
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

export const providersRouter = router({
  // health, resetBreaker, test
  ...providerHealthProcedures,

  create: adminProcedure
    .meta({ openapi: { method: "POST", path: "/providers/create", tags: ["providers"], summary: "Create a provider", protect: true } })
    .input(createInput)
    .output(providerView)
    .mutation(async ({ ctx, input }) => {
      const view = await createProvider(ctx, input);
      audit(ctx, "providers.create", { type: "provider", id: view.id }, { after: view });
      return view;
    }),

  list: adminProcedure
    .meta({ openapi: { method: "POST", path: "/providers/list", tags: ["providers"], summary: "List providers (upstream keys masked)", protect: true } })
    .input(z.object({ providerType: PROVIDER_TYPE.optional() }).default({}))
    .output(z.object({ items: z.array(providerView) }))
    .query(({ ctx, input }) => listProviders(ctx, input)),

  update: adminProcedure
    .meta({ openapi: { method: "POST", path: "/providers/update", tags: ["providers"], summary: "Update a provider", protect: true } })
    .input(updateInput)
    .output(providerView)
    .mutation(async ({ ctx, input }) => {
      const { before, after } = await updateProvider(ctx, input);
      audit(ctx, "providers.update", { type: "provider", id: after.id }, { before, after });
      return after;
    }),

  delete: adminProcedure
    .meta({ openapi: { method: "POST", path: "/providers/delete", tags: ["providers"], summary: "Delete a provider", protect: true } })
    .input(z.object({ id: z.number().int() }))
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      const before = await deleteProvider(ctx, input.id);
      audit(ctx, "providers.delete", { type: "provider", id: input.id }, { before });
      return { ok: true as const };
    }),
});
