/**
 * providers.health, providers.resetBreaker and providers.test: how the upstreams are doing.
 * Merged into the providers router (providers.ts) so their paths stay under /providers/.
 * The breaker reads live in server/admin/provider-health.ts, the connection test in
 * server/admin/provider-test.ts.
 */
import { z } from "zod";
import { providerHealth, resetBreaker } from "../../admin/provider-health.ts";
import { PROVIDER_TEST_REASONS, testProviderById } from "../../admin/provider-test.ts";
import { audit } from "../audit.ts";
import { adminProcedure } from "../trpc.ts";

// ---------------------------------------------------------------------------------------------
// Procedures (merged into providersRouter)
// ---------------------------------------------------------------------------------------------

const BREAKER_STATE = z.enum(["closed", "open", "half_open"]);

const breakerView = z.object({
  state: BREAKER_STATE,
  /** Counted failures since the breaker last closed. */
  failures: z.number(),
  openUntil: z.string().nullable(),
  halfOpenSuccesses: z.number(),
});

export const providerHealthProcedures = {
  health: adminProcedure
    .meta({ openapi: { method: "POST", path: "/providers/health", tags: ["providers"], summary: "Circuit-breaker state of every provider", protect: true } })
    .input(z.object({}).default({}))
    .output(
      z.object({
        items: z.array(
          z.object({
            providerId: z.number(),
            name: z.string(),
            isEnabled: z.boolean(),
            failureThreshold: z.number(),
            openDurationMs: z.number(),
            halfOpenSuccessThreshold: z.number(),
            breaker: breakerView,
          }),
        ),
      }),
    )
    .query(async ({ ctx }) => ({ items: await providerHealth(ctx, ctx.now()) })),

  resetBreaker: adminProcedure
    .meta({ openapi: { method: "POST", path: "/providers/resetBreaker", tags: ["providers"], summary: "Close a provider's circuit breaker now (on every instance)", protect: true } })
    .input(z.object({ id: z.number().int() }))
    .output(z.object({ ok: z.literal(true), breaker: breakerView }))
    .mutation(async ({ ctx, input }) => {
      const { before, after } = await resetBreaker(ctx, input.id, ctx.now());
      audit(ctx, "providers.resetBreaker", { type: "provider", id: input.id }, { before, after });
      return { ok: true as const, breaker: after };
    }),

  test: adminProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/providers/test",
        tags: ["providers"],
        summary: "Send one small real request to a provider (max 16 tokens) and report status and latency",
        protect: true,
      },
    })
    .input(z.object({ id: z.number().int(), model: z.string().trim().max(200).optional().describe("Model to ask; default: the provider's first allowed model, else a small one of its format") }))
    .output(
      z.object({
        ok: z.boolean(),
        status: z.number().nullable(),
        latencyMs: z.number(),
        model: z.string().nullable(),
        message: z.string(),
        reason: z.enum(PROVIDER_TEST_REASONS).optional().describe("Set when the hub, not the upstream, says what went wrong"),
        detail: z.string().optional().describe("The reason's detail: a network error's code, the seconds waited, or the provider type"),
      }),
    )
    .mutation(({ ctx, input }) => testProviderById(ctx, input.id, input.model)),
};
