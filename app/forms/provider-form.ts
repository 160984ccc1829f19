/** The provider create/edit form (providers.create / providers.update input). */
import { z } from "zod";
import type { DurationUnit } from "../lib/duration-units.ts";
import { checkbox, linesField, msg, nullableNumber, nullableText, optionalText, requiredDuration, requiredNumber, requiredText } from "./form-data.ts";
import { CACHE_TTL_PREFERENCES } from "./key-form.ts";
import { parseGroupPriorities, parseHeaderLines } from "./key-value-lines.ts";
import { limitFormFields } from "./limit-fields.ts";
import { accessListFields } from "./access-lists.ts";
import { parseAllowedModels, parseModelRedirects } from "./model-rules.ts";

export const PROVIDER_TYPES = ["claude", "claude-auth", "codex", "openai-compatible", "gemini", "gemini-cli"] as const;
export type ProviderType = (typeof PROVIDER_TYPES)[number];
export const CLIENT_ABORT_POLICIES = ["abort", "drain"] as const;
export const MCP_PASSTHROUGH_TYPES = ["none", "minimax", "glm"] as const;
/** Whose `instructions` a codex provider's upstream gets (server/gateway/providers/codex/instructions.ts). */
export const CODEX_INSTRUCTIONS_STRATEGIES = ["auto", "official", "custom"] as const;

/** Defaults of a new provider (the hub's column defaults), to prefill the create form. */
export const PROVIDER_DEFAULTS = {
  weight: 1,
  priority: 0,
  costMultiplier: 1,
  firstByteTimeoutStreamingMs: 0,
  streamingIdleTimeoutMs: 0,
  requestTimeoutNonStreamingMs: 0,
  circuitBreakerFailureThreshold: 5,
  circuitBreakerOpenDurationMs: 1_800_000,
  circuitBreakerHalfOpenSuccessThreshold: 2,
  circuitBreakerHalfOpenMaxProbes: 2,
  drainTimeoutMs: 30_000,
};

const httpUrl = z.preprocess(
  (v) => (typeof v === "string" ? v.trim() : v),
  z.url({ protocol: /^https?$/, error: msg("form.httpUrl") }).max(2000, msg("form.tooLong", { max: 2000 })),
);

const nullableHttpUrl = z.preprocess(
  (v) => (typeof v === "string" && v.trim() !== "" ? v.trim() : null),
  z.url({ protocol: /^https?$/, error: msg("form.httpUrl") }).max(2000, msg("form.tooLong", { max: 2000 })).nullable(),
);

/** "HH:mm" from a time field (TimeField); empty means no active window. */
const nullableTimeOfDay = z.preprocess(
  (v) => (typeof v === "string" && v.trim() !== "" ? v.trim().slice(0, 5) : null),
  z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, msg("form.timeOfDay")).nullable(),
);

const nullableProxyUrl = z.preprocess(
  (v) => (typeof v === "string" && v.trim() !== "" ? v.trim() : null),
  z.url({ protocol: /^(https?|socks5h?)$/, error: msg("form.proxyUrl") }).nullable(),
);

const allowedModels = linesField(parseAllowedModels, "form.ruleLine");
const modelRedirects = linesField(parseModelRedirects, "form.redirectLine");
const groupPriorities = linesField(parseGroupPriorities, "form.groupPriorityLine");
const customHeaders = linesField(parseHeaderLines, "form.headerLine");

const int = (min: number, max: number) => requiredNumber({ min, max, integer: true });

/** The unit each of the provider's durations is typed in: seconds, or minutes where that is their scale. */
export const PROVIDER_DURATION_UNITS = {
  firstByteTimeoutStreamingMs: "s",
  streamingIdleTimeoutMs: "s",
  requestTimeoutNonStreamingMs: "s",
  drainTimeoutMs: "s",
  circuitBreakerOpenDurationMs: "min",
} as const satisfies Record<string, DurationUnit>;

const duration = (field: keyof typeof PROVIDER_DURATION_UNITS, minMs: number, maxMs: number) =>
  requiredDuration({ unit: PROVIDER_DURATION_UNITS[field], minMs, maxMs });

const providerFields = {
  name: requiredText(100),
  description: optionalText(1000),
  providerType: z.enum(PROVIDER_TYPES, { error: msg("form.required") }),
  url: httpUrl,
  isEnabled: checkbox(),
  weight: int(0, 1000),
  priority: int(0, 1_000_000),
  costMultiplier: requiredNumber({ min: 0, max: 1000 }),
  groupTag: nullableText(500),
  websiteUrl: nullableHttpUrl,
  // Advanced
  groupPriorities,
  activeTimeStart: nullableTimeOfDay,
  activeTimeEnd: nullableTimeOfDay,
  allowedModels,
  modelRedirects,
  ...accessListFields,
  // Durations are typed in the units of PROVIDER_DURATION_UNITS and become milliseconds here.
  firstByteTimeoutStreamingMs: duration("firstByteTimeoutStreamingMs", 0, 600_000),
  streamingIdleTimeoutMs: duration("streamingIdleTimeoutMs", 0, 3_600_000),
  requestTimeoutNonStreamingMs: duration("requestTimeoutNonStreamingMs", 0, 3_600_000),
  maxRetryAttempts: nullableNumber({ min: 1, max: 10, integer: true }),
  clientAbortPolicy: z.enum(CLIENT_ABORT_POLICIES).default("abort"),
  drainTimeoutMs: duration("drainTimeoutMs", 0, 600_000),
  circuitBreakerFailureThreshold: int(0, 1000),
  circuitBreakerOpenDurationMs: duration("circuitBreakerOpenDurationMs", 1000, 7 * 24 * 3600 * 1000),
  circuitBreakerHalfOpenSuccessThreshold: int(1, 100),
  circuitBreakerHalfOpenMaxProbes: int(1, 100),
  proxyUrl: nullableProxyUrl,
  proxyFallbackToDirect: checkbox(),
  preserveClientIp: checkbox(),
  customHeaders,
  sessionTtlSeconds: nullableNumber({ min: 1, max: 7 * 24 * 3600, integer: true }),
  disableSessionReuse: checkbox(),
  reclaimSessions: checkbox(),
  cacheTtlPreference: z.enum(CACHE_TTL_PREFERENCES).default("inherit"),
  mcpPassthroughType: z.enum(MCP_PASSTHROUGH_TYPES).default("none"),
  mcpPassthroughUrl: nullableHttpUrl,
  // Shown for codex providers only; the admin API refuses `custom` without a text (64 KiB at most).
  codexInstructionsStrategy: z.enum(CODEX_INSTRUCTIONS_STRATEGIES).default("auto"),
  codexInstructions: nullableText(64 * 1024),
  // Serve requests of other wire formats through conversion (on by default for openai-compatible).
  allowFormatConversion: checkbox(),
  // The provider's own quotas (scope "p:<id>"): a provider at its limit is skipped, not failed.
  ...limitFormFields,
};

export const providerCreateSchema = z.object({
  ...providerFields,
  key: requiredText(20_000),
});

/** On edit the upstream key is write-only: an empty field keeps the stored key. */
export const providerUpdateSchema = z.object({
  ...providerFields,
  key: z.preprocess((v) => (typeof v === "string" && v.trim() !== "" ? v.trim() : undefined), z.string().max(20_000).optional()),
});
