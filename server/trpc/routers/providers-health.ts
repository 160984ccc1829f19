/**
 * providers.health, providers.resetBreaker and providers.test: how the upstreams are doing.
 * Merged into the providers router (providers.ts) so their paths stay under /providers/.
 *
 * Breaker state lives in the store, shared by every instance: reading it or resetting it here
 * takes effect for the whole fleet at once.
 */
import { Agent, fetch, ProxyAgent, Socks5ProxyAgent, type Dispatcher } from "undici";
import { z } from "zod";
import { toCachedProvider } from "../../catalog/mappers.ts";
import type { CachedProvider } from "../../catalog/types.ts";
import type { ApiFormat } from "../../gateway/formats/types.ts";
import { providerAdapter } from "../../gateway/providers/registry.ts";
import { extractMessage } from "../../domain/error-rules.ts";
import type { BreakerStatus } from "../../store/admission.ts";
import { audit } from "../audit.ts";
import { adminProcedure } from "../trpc.ts";
import { hubError } from "../hub-errors.ts";

// ---------------------------------------------------------------------------------------------
// Connection test
// ---------------------------------------------------------------------------------------------

export const PROVIDER_TEST_TIMEOUT_MS = 15_000;
/** Enough of a reply to find an error message or the first words; the rest is not read. */
const MAX_REPLY_BYTES = 64 * 1024;
const MAX_MESSAGE = 500;

export interface ProviderTestResult {
  ok: boolean;
  /** The upstream's HTTP status; null when no response arrived. */
  status: number | null;
  latencyMs: number;
  /** The model asked for. */
  model: string | null;
  /** What happened, for people; never contains the upstream secret. */
  message: string;
}

interface Probe {
  /** A cheap model most upstreams of the format serve, when the admin names none. */
  defaultModel: string;
  path(model: string): string;
  body(model: string): unknown;
  headers?: Record<string, string>;
  /** The reply's text, to show that the model answered. */
  text(json: unknown): string | undefined;
}

const PING = "ping";
const get = (value: unknown, ...path: Array<string | number>): unknown =>
  path.reduce<unknown>((v, key) => (v && typeof v === "object" ? (v as Record<string | number, unknown>)[key] : undefined), value);
const str = (v: unknown) => (typeof v === "string" ? v : undefined);

/** The smallest real request of each wire format (max 16 output tokens). */
const PROBES: Partial<Record<ApiFormat, Probe>> = {
  claude: {
    defaultModel: "claude-haiku-4-5",
    path: () => "/v1/messages",
    body: (model) => ({ model, max_tokens: 16, messages: [{ role: "user", content: PING }] }),
    headers: { "anthropic-version": "2023-06-01" },
    text: (json) => str(get(json, "content", 0, "text")),
  },
  "openai-chat": {
    defaultModel: "gpt-5-mini",
    path: () => "/v1/chat/completions",
    body: (model) => ({ model, max_tokens: 16, messages: [{ role: "user", content: PING }] }),
    text: (json) => str(get(json, "choices", 0, "message", "content")),
  },
  "openai-responses": {
    defaultModel: "gpt-5-mini",
    path: () => "/v1/responses",
    // 16 is the smallest max_output_tokens OpenAI accepts.
    body: (model) => ({ model, input: PING, max_output_tokens: 16 }),
    text: (json) => str(get(json, "output_text")) ?? str(get(json, "output", 0, "content", 0, "text")),
  },
  gemini: {
    defaultModel: "gemini-2.5-flash",
    path: (model) => `/v1beta/models/${encodeURIComponent(model)}:generateContent`,
    body: () => ({ contents: [{ role: "user", parts: [{ text: PING }] }], generationConfig: { maxOutputTokens: 16 } }),
    text: (json) => str(get(json, "candidates", 0, "content", "parts", 0, "text")),
  },
  // gemini-cli (Code Assist) needs a Google Cloud project discovered per account: not probed.
};

/** The first exact model the provider allows, else the format's default. */
function pickModel(provider: CachedProvider, probe: Probe, requested: string | undefined): string {
  if (requested?.trim()) return requested.trim();
  return provider.allowedModels.find((rule) => rule.match === "exact")?.pattern ?? probe.defaultModel;
}

/** Removes the upstream secret from any text that may have echoed it. */
function redact(text: string, secret: string): string {
  let out = text;
  if (secret.length >= 4) out = out.split(secret).join("***");
  return out.slice(0, MAX_MESSAGE);
}

/** A dispatcher honouring the provider's proxy; closed after the test. */
function dispatcherFor(provider: CachedProvider, timeoutMs: number): Dispatcher {
  const connect = { timeout: timeoutMs };
  if (provider.proxyUrl) {
    const protocol = new URL(provider.proxyUrl).protocol;
    // The overall timeout (AbortSignal) bounds the SOCKS handshake too.
    if (protocol.startsWith("socks5")) return new Socks5ProxyAgent(provider.proxyUrl);
    return new ProxyAgent({ uri: provider.proxyUrl, connect });
  }
  return new Agent({ connect });
}

async function readLimited(response: Awaited<ReturnType<typeof fetch>>): Promise<string> {
  if (!response.body) return "";
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    const buffer = Buffer.from(chunk as Uint8Array);
    chunks.push(buffer);
    size += buffer.length;
    if (size >= MAX_REPLY_BYTES) break;
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * Sends one small real request to the provider with its own credentials, as the gateway would,
 * and reports whether it answered. Never throws; never returns or logs the secret.
 */
export async function testProvider(provider: CachedProvider, requestedModel?: string, timeoutMs = PROVIDER_TEST_TIMEOUT_MS): Promise<ProviderTestResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const adapter = providerAdapter(provider.providerType);
  const probe = adapter ? PROBES[adapter.format] : undefined;
  if (!adapter || !probe) {
    return { ok: false, status: null, latencyMs: 0, model: null, message: `unsupported type: the connection test cannot probe "${provider.providerType}" providers yet` };
  }
  const model = pickModel(provider, probe, requestedModel);
  let dispatcher: Dispatcher | undefined;
  try {
    const url = adapter.upstreamUrl(provider, probe.path(model), "");
    // Custom headers first: the provider's credentials always win, as in the gateway.
    const headers = { ...provider.customHeaders, "content-type": "application/json", ...probe.headers, ...(await adapter.authHeaders(provider)) };
    dispatcher = dispatcherFor(provider, timeoutMs);
    const response = await fetch(url, {
      method: "POST",
      headers,
      body: JSON.stringify(probe.body(model)),
      dispatcher,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await readLimited(response);
    const latencyMs = elapsed();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    // A 200 whose body is an error (a "fake 200") is a failure, as in the gateway.
    const embeddedError = json !== undefined && get(json, "error") !== undefined;
    const ok = response.ok && !embeddedError;
    const message = ok
      ? `${response.status} OK${probe.text(json) ? `: "${probe.text(json)!.trim()}"` : ""}`
      : `${response.status}: ${text ? extractMessage(text) : response.statusText || "no body"}`;
    return { ok, status: response.status, latencyMs, model, message: redact(message, provider.secret) };
  } catch (error) {
    const e = error as Error & { cause?: Error & { code?: string } };
    const timedOut = e.name === "TimeoutError" || e.name === "AbortError";
    const reason = timedOut ? `no answer within ${Math.round(timeoutMs / 1000)} s` : `${e.cause?.code ?? e.cause?.message ?? e.message}`;
    return { ok: false, status: null, latencyMs: elapsed(), model, message: redact(`request failed: ${reason}`, provider.secret) };
  } finally {
    await dispatcher?.close().catch(() => undefined);
  }
}

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

function toBreakerView(status: BreakerStatus | undefined): z.infer<typeof breakerView> {
  return {
    state: status?.state ?? "closed",
    failures: status?.failures ?? 0,
    openUntil: status?.openUntil ? new Date(status.openUntil).toISOString() : null,
    halfOpenSuccesses: status?.halfOpenSuccesses ?? 0,
  };
}

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
    .query(async ({ ctx }) => {
      const rows = await ctx.db.provider.findMany({ where: { deletedAt: null }, orderBy: [{ priority: "asc" }, { id: "asc" }] });
      const statuses = rows.length ? await ctx.store.breakerStatus(rows.map((r) => r.id), ctx.now()) : [];
      const byId = new Map(statuses.map((s) => [s.providerId, s]));
      return {
        items: rows.map((row) => ({
          providerId: row.id,
          name: row.name,
          isEnabled: row.isEnabled,
          failureThreshold: row.circuitBreakerFailureThreshold,
          openDurationMs: row.circuitBreakerOpenDurationMs,
          halfOpenSuccessThreshold: row.circuitBreakerHalfOpenSuccessThreshold,
          breaker: toBreakerView(byId.get(row.id)),
        })),
      };
    }),

  resetBreaker: adminProcedure
    .meta({ openapi: { method: "POST", path: "/providers/resetBreaker", tags: ["providers"], summary: "Close a provider's circuit breaker now (on every instance)", protect: true } })
    .input(z.object({ id: z.number().int() }))
    .output(z.object({ ok: z.literal(true), breaker: breakerView }))
    .mutation(async ({ ctx, input }) => {
      const row = await ctx.db.provider.findFirst({ where: { id: input.id, deletedAt: null }, select: { id: true } });
      if (!row) throw hubError("NOT_FOUND", "providerNotFound", { id: input.id });
      const now = ctx.now();
      const [before] = await ctx.store.breakerStatus([input.id], now);
      await ctx.store.resetBreaker(input.id);
      const [after] = await ctx.store.breakerStatus([input.id], now);
      audit(ctx, "providers.resetBreaker", { type: "provider", id: input.id }, { before: toBreakerView(before), after: toBreakerView(after) });
      return { ok: true as const, breaker: toBreakerView(after) };
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
    .output(z.object({ ok: z.boolean(), status: z.number().nullable(), latencyMs: z.number(), model: z.string().nullable(), message: z.string() }))
    .mutation(async ({ ctx, input }) => {
      const row = await ctx.db.provider.findFirst({ where: { id: input.id, deletedAt: null } });
      if (!row) throw hubError("NOT_FOUND", "providerNotFound", { id: input.id });
      let provider: CachedProvider;
      try {
        provider = toCachedProvider(row, ctx.secrets);
      } catch {
        return { ok: false, status: null, latencyMs: 0, model: null, message: "The stored upstream key cannot be decrypted (check ENCRYPTION_KEY)." };
      }
      const result = await testProvider(provider, input.model);
      ctx.logger.info({ providerId: row.id, ok: result.ok, status: result.status, latencyMs: result.latencyMs }, "provider connection test");
      return result;
    }),
};
