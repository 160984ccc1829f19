/**
 * The decision chain and cost breakdown of a logged request arrive as untyped JSON (logs.get
 * declares them `unknown`, and old rows may predate a field). These schemas read them
 * leniently: a missing or odd field becomes absent instead of failing the page.
 */
import { z } from "zod";

const optionalNumber = z.number().optional().catch(undefined);
const optionalString = z.string().optional().catch(undefined);

const candidate = z.object({
  id: z.number(),
  name: z.string(),
  priority: optionalNumber,
  weight: optionalNumber,
  probability: optionalNumber,
});

const filtered = z.object({
  id: z.number(),
  name: z.string(),
  reason: z.string(),
  detail: optionalString,
});

const attempt = z.object({
  providerId: z.number(),
  providerName: z.string(),
  reason: z.string(),
  attempt: z.number(),
  startedAt: optionalNumber,
  durationMs: optionalNumber,
  statusCode: optionalNumber,
  errorClass: optionalString,
  errorMessage: optionalString,
  breakerState: optionalString,
  model: optionalString,
});

const filterNote = z.object({
  id: z.number(),
  name: z.string(),
  phase: z.string(),
  providerId: z.number(),
  applied: z.number(),
  skipped: z.number(),
  skipReason: optionalString,
});

const decisionChainSchema = z.object({
  groups: z.array(z.string()).optional().catch(undefined),
  candidates: z.array(candidate).catch([]),
  filtered: z.array(filtered).catch([]),
  attempts: z.array(attempt).catch([]),
  session: z
    .object({ id: z.string(), source: z.string(), boundProviderId: optionalNumber, reused: z.boolean() })
    .optional()
    .catch(undefined),
  filters: z.array(filterNote).catch([]).optional(),
  conversion: z
    .object({ label: z.string(), dropped: z.array(z.string()).catch([]) })
    .optional()
    .catch(undefined),
});

export type DecisionChainView = z.infer<typeof decisionChainSchema>;

const costBreakdownSchema = z.object({
  inputNano: z.number(),
  outputNano: z.number(),
  cacheWrite5mNano: z.number(),
  cacheWrite1hNano: z.number(),
  cacheReadNano: z.number(),
  baseNano: z.number(),
  providerMultiplier: z.number(),
  groupMultiplier: z.number(),
  tier: z.string().optional().catch(undefined),
  pricedAs: z.string(),
  totalNano: z.number(),
});

export type CostBreakdownView = z.infer<typeof costBreakdownSchema>;

export function readDecisionChain(value: unknown): DecisionChainView | null {
  const parsed = decisionChainSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

export function readCostBreakdown(value: unknown): CostBreakdownView | null {
  const parsed = costBreakdownSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/** Nano-USD (integer) to USD, for display only. */
export const nanoToUsd = (nano: number) => nano / 1e9;
