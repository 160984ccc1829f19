/**
 * The providers page's connection test: one small real request to a provider, with its own
 * credentials and proxy as the gateway would send it, reporting status, latency and what came
 * back — never the upstream secret.
 */
import { Agent, fetch, ProxyAgent, Socks5ProxyAgent, type Dispatcher } from "undici";
import type { Db } from "../db/database.ts";
import { toCachedProvider } from "../catalog/mappers.ts";
import type { CachedProvider } from "../catalog/types.ts";
import type { ApiFormat } from "../gateway/formats/types.ts";
import { providerAdapter } from "../gateway/providers/registry.ts";
import { extractMessage } from "../domain/error-rules.ts";
import { hubError } from "../trpc/hub-errors.ts";
import type { Services } from "../trpc/trpc.ts";

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
  /**
   * Set when the hub, not the upstream, says what went wrong: the dashboard words it in the
   * reader's language from this code and `detail` (the network error's code, the seconds waited,
   * the provider type); `message` stays the English text API clients read.
   */
  reason?: ProviderTestReason;
  detail?: string;
}

export const PROVIDER_TEST_REASONS = ["unsupported_type", "key_undecryptable", "request_failed", "timeout"] as const;
export type ProviderTestReason = (typeof PROVIDER_TEST_REASONS)[number];

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
    return {
      ok: false,
      status: null,
      latencyMs: 0,
      model: null,
      message: `unsupported type: the connection test cannot probe "${provider.providerType}" providers yet`,
      reason: "unsupported_type",
      detail: provider.providerType,
    };
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
    const seconds = String(Math.round(timeoutMs / 1000));
    const cause = redact(`${e.cause?.code ?? e.cause?.message ?? e.message}`, provider.secret);
    const reason = timedOut ? `no answer within ${seconds} s` : cause;
    return {
      ok: false,
      status: null,
      latencyMs: elapsed(),
      model,
      message: redact(`request failed: ${reason}`, provider.secret),
      reason: timedOut ? "timeout" : "request_failed",
      detail: timedOut ? seconds : cause,
    };
  } finally {
    await dispatcher?.close().catch(() => undefined);
  }
}

/**
 * Tests the provider with this id (not deleted) through `testProvider`. A provider whose secret
 * cannot be decrypted is reported as a failed test, not an error.
 */
export async function testProviderById(deps: { db: Db; secrets: Services["secrets"]; logger: Services["logger"] }, id: number, model?: string): Promise<ProviderTestResult> {
  const row = await deps.db.provider.findFirst({ where: { id, deletedAt: null } });
  if (!row) throw hubError("NOT_FOUND", "providerNotFound", { id });
  let provider: CachedProvider;
  try {
    provider = toCachedProvider(row, deps.secrets);
  } catch {
    return { ok: false, status: null, latencyMs: 0, model: null, message: "The stored upstream key cannot be decrypted (check ENCRYPTION_KEY).", reason: "key_undecryptable" };
  }
  const result = await testProvider(provider, model);
  deps.logger.info({ providerId: row.id, ok: result.ok, status: result.status, latencyMs: result.latencyMs }, "provider connection test");
  return result;
}
