/**
 * The hub's Prometheus metrics (served by server/http/metrics.ts, decision 0019).
 *
 * Two kinds of figures, so the request path only ever bumps counters in memory:
 * - per request, recorded once when a request settles (recordSettled, called by the settle
 *   step through GatewayDeps.onSettled): counts, latency, TTFB, tokens, cost;
 * - state, read lazily when Prometheus scrapes (collect()): in-flight requests, breaker
 *   states, the log writer's queue and spool, whether the store answers.
 *
 * Every label value comes from a bounded set, never from what a client sent: the route is a
 * template, the model is the price-table name a request was priced as (else "other"), the
 * provider is a name from the catalog, the status is an HTTP code.
 */
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Catalog } from "../catalog/catalog.ts";
import type { LogRecord, LogWriter } from "../db/log-writer.ts";
import type { BreakerState } from "../store/admission.ts";
import type { Store } from "../store/store.ts";

/** What the scrape-time gauges read. */
export interface MetricsSources {
  catalog: Pick<Catalog, "providers" | "provider">;
  store: Pick<Store, "breakerStatus" | "ping">;
  logWriter: Pick<LogWriter, "stats" | "onDeadLetter" | "spoolDir">;
  inFlight: { readonly size: number };
  now: () => number;
}

/** The model label of requests that were not priced (unknown models, errors before usage). */
export const OTHER_MODEL = "other";
const BREAKER_STATES: BreakerState[] = ["closed", "open", "half_open"];
/** A scrape never waits longer than this for the store (it then reports the store as down). */
const STORE_PROBE_MS = 1_000;

const GEMINI_OPERATIONS = new Set(["generateContent", "streamGenerateContent", "countTokens"]);
const CODE_ASSIST_OPERATIONS = new Set(["generateContent", "streamGenerateContent", "countTokens", "loadCodeAssist", "onboardUser", "recordCodeAssistMetrics"]);
const FIXED_ROUTES = new Set(["/v1/messages", "/v1/messages/count_tokens", "/v1/chat/completions", "/v1/responses", "/v1/responses/compact"]);

/**
 * The route template of a gateway path. Gemini paths carry the model and Code Assist paths an
 * operation of the client's choosing, so both are reduced to a fixed set.
 */
export function routeLabel(path: string): string {
  if (FIXED_ROUTES.has(path)) return path;
  const gemini = /^\/v1beta\/models\/[^/:]+:([A-Za-z]+)$/.exec(path);
  if (gemini) return `/v1beta/models/{model}:${GEMINI_OPERATIONS.has(gemini[1]) ? gemini[1] : "other"}`;
  const codeAssist = /^\/v1internal:([A-Za-z]+)$/.exec(path);
  if (codeAssist) return `/v1internal:${CODE_ASSIST_OPERATIONS.has(codeAssist[1]) ? codeAssist[1] : "other"}`;
  return "other";
}

/** A status code as a label: an HTTP code, or "other" for anything outside 100–599. */
function statusLabel(status: number): string {
  return Number.isInteger(status) && status >= 100 && status <= 599 ? String(status) : "other";
}

function pricedAs(breakdown: unknown): { model: string; totalNano: number } | undefined {
  if (!breakdown || typeof breakdown !== "object") return undefined;
  const b = breakdown as { pricedAs?: unknown; totalNano?: unknown };
  return typeof b.pricedAs === "string" && b.pricedAs && typeof b.totalNano === "number" ? { model: b.pricedAs, totalNano: b.totalNano } : undefined;
}

/** Bytes of the spool files (*.ndjson) in the spool directory; 0 when it cannot be read. */
async function spoolBytes(dir: string): Promise<number> {
  try {
    const names = (await readdir(dir)).filter((f) => f.endsWith(".ndjson"));
    const sizes = await Promise.all(names.map((f) => stat(path.join(dir, f)).then((s) => s.size, () => 0)));
    return sizes.reduce((a, b) => a + b, 0);
  } catch {
    return 0;
  }
}

const withTimeout = (promise: Promise<void>, ms: number) =>
  Promise.race([promise, new Promise<void>((_, reject) => setTimeout(() => reject(new Error("timeout")), ms).unref())]);

export class HubMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<"route" | "format" | "provider" | "status">;
  private readonly duration: Histogram<"route" | "format" | "provider">;
  private readonly ttfb: Histogram<"format" | "provider">;
  private readonly tokens: Counter<"model" | "provider" | "type">;
  private readonly cost: Counter<"model" | "provider">;
  private readonly deadLettered: Counter;
  private readonly storeErrors: Counter<"operation">;
  private sources: MetricsSources | undefined;
  private stopDeadLetter = () => {};

  /** The per-request counters; the scrape-time gauges come with watch(). */
  constructor() {
    const registers = [this.registry];
    this.requests = new Counter({
      name: "cch_requests_total",
      help: "Gateway requests by route template, wire format, final provider and response status",
      labelNames: ["route", "format", "provider", "status"],
      registers,
    });
    this.duration = new Histogram({
      name: "cch_request_duration_seconds",
      help: "Gateway request duration, from arrival to the end of the response",
      labelNames: ["route", "format", "provider"],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
      registers,
    });
    this.ttfb = new Histogram({
      name: "cch_request_ttfb_seconds",
      help: "Time to the first byte of the upstream answer (requests that got one)",
      labelNames: ["format", "provider"],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
      registers,
    });
    this.tokens = new Counter({
      name: "cch_tokens_total",
      help: "Tokens of settled requests by priced model and provider; type is input, output, cache_creation or cache_read",
      labelNames: ["model", "provider", "type"],
      registers,
    });
    this.cost = new Counter({
      name: "cch_cost_usd_total",
      help: "Billed cost in USD by priced model and provider",
      labelNames: ["model", "provider"],
      registers,
    });
    this.deadLettered = new Counter({
      name: "cch_log_writer_dead_lettered_total",
      help: "Request-log rows the database refused, set aside in the dead-letter file",
      registers,
    });
    this.storeErrors = new Counter({
      name: "cch_store_errors_total",
      help: "Store operations that failed (unreachable, timed out or refused), by operation",
      labelNames: ["operation"],
      registers,
    });
  }

  /** Registers the gauges read at scrape time. Called once, when the hub's parts exist. */
  watch(sources: MetricsSources): void {
    if (this.sources) throw new Error("HubMetrics.watch() called twice");
    this.sources = sources;
    const registers = [this.registry];
    this.stopDeadLetter = sources.logWriter.onDeadLetter(() => this.deadLettered.inc());

    new Gauge({
      name: "cch_requests_in_flight",
      help: "Gateway requests being served by this instance",
      registers,
      collect() {
        this.set(sources.inFlight.size);
      },
    });
    new Gauge({
      name: "cch_log_writer_pending",
      help: "Request-log rows queued in memory, not yet written",
      registers,
      collect() {
        this.set(sources.logWriter.stats().pending);
      },
    });
    new Counter({
      name: "cch_log_writer_spooled_total",
      help: "Request-log rows written to the disk spool since start (the database was unreachable)",
      registers,
      collect() {
        // Mirrors the writer's own counter, which only grows.
        this.reset();
        this.inc(sources.logWriter.stats().spooled);
      },
    });
    new Gauge({
      name: "cch_log_writer_spool_bytes",
      help: "Size of the spool files waiting to be replayed into the database",
      registers,
      async collect() {
        this.set(await spoolBytes(sources.logWriter.spoolDir));
      },
    });
    new Gauge({
      name: "cch_store_up",
      help: "1 when the store (Redis or in-process) answered a ping during this scrape, else 0",
      registers,
      async collect() {
        try {
          await withTimeout(sources.store.ping(), STORE_PROBE_MS);
          this.set(1);
        } catch {
          this.set(0); // the failure itself is counted by countStoreErrors, which wraps this store
        }
      },
    });
    new Gauge({
      name: "cch_provider_breaker_state",
      help: "Circuit-breaker state per provider: 1 on the current state's series, 0 on the others",
      labelNames: ["provider", "state"],
      registers,
      async collect() {
        this.reset();
        const providers = sources.catalog.providers();
        if (!providers.length) return;
        let statuses;
        try {
          statuses = await sources.store.breakerStatus(
            providers.map((p) => p.id),
            sources.now(),
          );
        } catch {
          return; // no breaker series rather than made-up ones (the failure is counted by countStoreErrors)
        }
        for (const status of statuses) {
          const provider = sources.catalog.provider(status.providerId)?.name ?? `#${status.providerId}`;
          for (const state of BREAKER_STATES) this.set({ provider, state }, status.state === state ? 1 : 0);
        }
      },
    });
  }

  /** The provider label: its name in the catalog ("none" when no provider was chosen). */
  private providerLabel(providerId: number | null): string {
    if (providerId === null) return "none";
    return this.sources?.catalog.provider(providerId)?.name ?? `#${providerId}`;
  }

  /** Counts one settled request. Never throws: metrics must not break a request. */
  recordSettled(record: LogRecord): void {
    try {
      const row = record.requestLog;
      const route = routeLabel(row.endpoint);
      const format = row.apiFormat;
      const provider = this.providerLabel(row.providerId);
      this.requests.inc({ route, format, provider, status: statusLabel(row.statusCode) });
      if (row.durationMs !== null) this.duration.observe({ route, format, provider }, row.durationMs / 1000);
      if (row.ttfbMs !== null) this.ttfb.observe({ format, provider }, row.ttfbMs / 1000);
      const priced = pricedAs(row.costBreakdown);
      const model = priced?.model ?? OTHER_MODEL;
      const add = (type: string, n: number) => {
        if (n > 0) this.tokens.inc({ model, provider, type }, n);
      };
      add("input", row.inputTokens);
      add("output", row.outputTokens);
      add("cache_creation", row.cacheCreation5mTokens + row.cacheCreation1hTokens);
      add("cache_read", row.cacheReadTokens);
      if (priced && priced.totalNano > 0) this.cost.inc({ model, provider }, priced.totalNano / 1e9);
    } catch {
      // A metric that cannot be recorded is lost; the request and its log row are not.
    }
  }

  /** Counts one failed store operation (see countStoreErrors). */
  storeError(operation: string): void {
    this.storeErrors.inc({ operation });
  }

  /** The exposition text and its content type. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  close(): void {
    this.stopDeadLetter();
  }
}

/**
 * The store, with every rejected operation counted in cch_store_errors_total. Only methods of
 * the Store interface are wrapped (a bounded label set); the promise the caller gets is the
 * store's own, so errors still reach the caller unchanged.
 */
export function countStoreErrors<S extends Store>(store: S, metrics: Pick<HubMetrics, "storeError">): S {
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== "function" || typeof property !== "string" || property === "close" || property === "constructor") return value;
      let fn = wrapped.get(property);
      if (!fn) {
        fn = (...args: unknown[]) => {
          const result: unknown = (value as (...a: unknown[]) => unknown).apply(target, args);
          if (result instanceof Promise) result.catch(() => metrics.storeError(property));
          return result;
        };
        wrapped.set(property, fn);
      }
      return fn;
    },
  });
}
