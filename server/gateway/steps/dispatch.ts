/**
 * Step: one upstream attempt — build the upstream request, call it, and carry the answer to
 * the client.
 *
 * The commit point is the first byte written to the client. Before it, nothing is lost: an
 * error status, a network failure, a timeout, a "fake 200" (2xx with an error body) or a stream
 * that ends before any content is reported as a failed attempt, which the caller may retry or
 * fail over. To make that possible a stream is held until its first content event (bounded by
 * HOLD_LIMIT_BYTES), and a JSON body is read whole before it is sent. After the commit point a
 * failure ends the stream with a well-formed error event of the client's format.
 *
 * Per-provider timeouts (0 = off): first byte of a stream, idle gap within a stream, total
 * time of a non-streamed request. A client that goes away aborts the upstream call — or, when
 * the provider's policy is "drain", the stream is read to its end (bounded by drainTimeoutMs)
 * so its usage can be billed.
 *
 * A converted attempt (plan.conversion, steps/convert.ts) differs in three places only: its
 * stream tap turns the upstream's stream into the client's event by event (the same hold,
 * commit and backpressure rules apply to the converted bytes), a JSON answer is converted
 * whole before it is sent, and the client gets its own format's content type.
 */
import type { CachedProvider } from "../../catalog/types.ts";
import type { GatewayContext } from "../context.ts";
import type { AttemptReason, AttemptRecord } from "../decision-chain.ts";
import type { GatewayDeps } from "../deps.ts";
import { streamBreakError } from "../error-detail.ts";
import type { AttemptFilters } from "../filters/attempt.ts";
import type { ConversionPlan } from "./convert.ts";
import { codeAssistProject } from "../providers/gemini-cli/project.ts";
import type { ResponseSummary, StreamTap, UpstreamRequest } from "../formats/types.ts";
import type { ProviderAdapter } from "../providers/types.ts";
import { decoderFor, type Decoder } from "../upstream/body-decoder.ts";
import { withoutHubCredentials } from "../upstream/credentials.ts";
import { clientResponseHeaders, upstreamRequestHeaders } from "../upstream/headers.ts";
import { startExchange, type Exchange } from "../upstream/http-exchange.ts";
import { redactSecrets } from "../../auth/secrets.ts";

/** A stream with no content event after this many bytes is committed anyway. */
const HOLD_LIMIT_BYTES = 256 * 1024;
/** Error bodies are kept up to this size (the rest is discarded). */
const ERROR_BODY_LIMIT = 64 * 1024;
/** Non-streamed bodies are read whole up to this size to detect a fake 200; larger ones stream through. */
const JSON_BUFFER_LIMIT = 16 * 1024 * 1024;

export type FailureClass = "http_error" | "network_error" | "timeout" | "fake_200" | "empty_stream" | "client_abort";

export interface AttemptFailure {
  class: FailureClass;
  message: string;
  status?: number;
  headers?: Record<string, string | string[] | undefined>;
  body?: Buffer;
  /** What the response showed before it failed (usage of an aborted stream is still billed). */
  summary?: ResponseSummary;
}

export type AttemptResult =
  | { ok: true; summary: ResponseSummary; status: number; brokenAfterCommit?: AttemptFailure }
  | { ok: false; failure: AttemptFailure };

export class ClientAbortError extends Error {
  constructor() {
    super("the client closed the connection");
    this.name = "ClientAbortError";
  }
}

export class UpstreamTimeoutError extends Error {
  constructor(what: string) {
    super(what);
    this.name = "UpstreamTimeoutError";
  }
}

function isTimeout(error: Error): boolean {
  const code = (error as { code?: string }).code ?? "";
  return error instanceof UpstreamTimeoutError || /TIMEOUT/i.test(code) || /timeout/i.test(error.name);
}

function networkMessage(error: Error): string {
  const code = (error as { code?: string }).code ?? (error.cause as { code?: string } | undefined)?.code;
  return code ? `${code}: ${error.message}` : error.message;
}

export interface AttemptPlan {
  provider: CachedProvider;
  adapter: ProviderAdapter;
  upstream: UpstreamRequest;
  /** The model sent upstream. */
  model: string;
  reason: AttemptReason;
  /** 1-based attempt number on this provider. */
  attempt: number;
  /** The provider's breaker state as admission saw it (for the decision chain). */
  breakerState?: string;
  /** Request filters for this provider (headers and response; the body is already filtered). */
  filters?: AttemptFilters;
  /** The attempt converts between formats (steps/convert.ts); absent for passthrough. */
  conversion?: ConversionPlan;
}

export async function runAttempt(ctx: GatewayContext, deps: GatewayDeps, plan: AttemptPlan): Promise<AttemptResult> {
  const { provider, adapter } = plan;
  const record: AttemptRecord = {
    providerId: provider.id,
    providerName: provider.name,
    reason: plan.reason,
    attempt: plan.attempt,
    startedAt: deps.now(),
    model: plan.model,
    breakerState: plan.breakerState,
  };
  if (plan.conversion) record.conversion = plan.conversion.label;
  ctx.chain.attempts.push(record);
  const started = performance.now();
  let authHeaders: Record<string, string>;
  try {
    authHeaders = await adapter.authHeaders(provider);
  } catch (error) {
    record.durationMs = Math.round(performance.now() - started);
    record.errorClass = "auth_error";
    record.errorMessage = (error as Error).message.slice(0, 500);
    return { ok: false, failure: { class: "network_error", message: `upstream credentials unusable: ${(error as Error).message}` } };
  }
  if (plan.conversion?.to === "gemini-cli") {
    // A request converted into Code Assist needs the account's project, which Gemini CLI would have sent.
    try {
      const project = await codeAssistProject(provider, authHeaders, deps.dispatchers.for(provider));
      const body = plan.upstream.body;
      plan = { ...plan, upstream: { ...plan.upstream, body: Buffer.concat([Buffer.from(`{"project":${JSON.stringify(project)},`), body.subarray(1)]) } };
    } catch (error) {
      record.durationMs = Math.round(performance.now() - started);
      record.errorClass = "auth_error";
      record.errorMessage = (error as Error).message.slice(0, 500);
      return { ok: false, failure: { class: "network_error", message: `Code Assist project unknown: ${(error as Error).message}` } };
    }
  }
  const result = await exchangeWithUpstream(ctx, deps, record, started, plan, authHeaders, false);
  // The provider's proxy could not be used: go direct when the provider allows it.
  if (!result.ok && result.failure.class === "network_error" && provider.proxyUrl && provider.proxyFallbackToDirect && !ctx.clientGone.signal.aborted) {
    record.errorMessage = `proxy failed (${result.failure.message}); retried without the proxy`.slice(0, 500);
    const direct: AttemptRecord = { ...record, startedAt: deps.now(), errorClass: undefined, errorMessage: undefined, statusCode: undefined, durationMs: undefined, viaProxy: false };
    ctx.chain.attempts.push(direct);
    return exchangeWithUpstream(ctx, deps, direct, performance.now(), plan, authHeaders, true);
  }
  return result;
}

function exchangeWithUpstream(
  ctx: GatewayContext,
  deps: GatewayDeps,
  record: AttemptRecord,
  started: number,
  plan: AttemptPlan,
  authHeaders: Record<string, string>,
  direct: boolean,
): Promise<AttemptResult> {
  const { res } = ctx;
  const { provider, adapter, upstream, filters, conversion } = plan;
  // What the upstream's answer is read as: the client's format, or the upstream's when converting.
  const format = conversion?.upstreamFormat ?? ctx.format;
  const streaming = ctx.request?.stream ?? false;
  const tapOptions = { defaultCacheTtl: upstream.cacheTtl ?? "5m", usageInjected: upstream.usageInjected };

  return new Promise<AttemptResult>((resolve) => {
    let status = 0;
    let upstreamHeaders: Record<string, string | string[] | undefined> = {};
    let mode: "error" | "json" | "stream" = "json";
    let committed = false;
    let tap: StreamTap | undefined;
    let events: ReturnType<AttemptFilters["responseStream"]>;
    let decoder: Decoder | undefined;
    const held: Buffer[] = [];
    let heldBytes = 0;
    let done = false;
    let draining = false;
    let exchange: Exchange | undefined = undefined;
    let timer: NodeJS.Timeout | undefined;
    const responseHeaders = () => {
      const headers = clientResponseHeaders(upstreamHeaders, ctx.requestId);
      if (conversion) {
        // The body is the client's format now: its own content type, and no length of the upstream's.
        headers["content-type"] = conversion.contentType(mode === "stream");
        delete headers["content-length"];
      }
      return filters ? filters.rewriteResponseHeaders(headers) : headers;
    };

    // --- timers -------------------------------------------------------------------------------
    const arm = (ms: number, what: string) => {
      if (timer) clearTimeout(timer);
      timer = ms > 0 ? setTimeout(() => exchange?.abort(new UpstreamTimeoutError(what)), ms) : undefined;
    };
    const { firstByteStreamingMs, streamingIdleMs, nonStreamingTotalMs } = provider.timeouts;
    if (streaming) arm(firstByteStreamingMs, `no first byte within ${firstByteStreamingMs} ms`);
    else arm(nonStreamingTotalMs, `no complete answer within ${nonStreamingTotalMs} ms`);
    let sawFirstByte = false;
    const onUpstreamBytes = () => {
      if (!streaming) return;
      if (!sawFirstByte) sawFirstByte = true;
      if (!draining) arm(streamingIdleMs, `the stream was silent for ${streamingIdleMs} ms`);
    };

    const finish = (result: AttemptResult) => {
      if (done) return;
      done = true;
      if (timer) clearTimeout(timer);
      decoder?.destroy();
      res.off("close", onClientClose);
      record.durationMs = Math.round(performance.now() - started);
      if (!result.ok) {
        record.errorClass = result.failure.class;
        record.errorMessage = result.failure.message.slice(0, 500);
      } else if (result.brokenAfterCommit) {
        record.errorClass = result.brokenAfterCommit.class;
        record.errorMessage = result.brokenAfterCommit.message.slice(0, 500);
      }
      record.statusCode = result.ok ? result.status : (result.failure.status ?? record.statusCode);
      resolve(result);
    };

    const onClientClose = () => {
      if (res.writableFinished || done) return;
      ctx.clientGone.abort();
      if (provider.clientAbortPolicy === "drain" && mode === "stream" && committed) {
        // Keep reading (writes are dropped) so the usage of what was generated can be billed.
        draining = true;
        arm(provider.drainTimeoutMs, `drain after client abort exceeded ${provider.drainTimeoutMs} ms`);
        return;
      }
      exchange?.abort(new ClientAbortError());
    };
    res.on("close", onClientClose);

    // --- writing to the client ----------------------------------------------------------------
    const commit = () => {
      committed = true;
      ctx.outcome.ttfbMs = Math.round(performance.now() - ctx.startTick);
      res.writeHead(status, responseHeaders());
    };

    const writeToClient = (chunk: Buffer, resume: () => void): boolean => {
      if (res.destroyed || draining) return true;
      const ok = res.write(chunk);
      if (!ok) res.once("drain", resume);
      return ok;
    };

    /** The stream's summary with how much generated text it carried (what a dropped stream is billed from). */
    const tapSummary = (): ResponseSummary | undefined => (tap ? { ...tap.summary(), generatedBytes: tap.generatedBytes() } : undefined);

    const endAfterCommit = (failure: AttemptFailure | undefined, tellClient = true) => {
      const summary = tapSummary() ?? format.summarizeJson(Buffer.alloc(0), tapOptions);
      if (failure && tellClient && !res.destroyed && !draining) {
        const error = streamBreakError(failure.class === "timeout" ? "upstream_timeout" : "bad_gateway", failure.message, ctx.requestId, deps.catalog.settings());
        res.write(tap?.renderError ? tap.renderError(error, ctx.requestId) : ctx.format.renderStreamError(error, ctx.requestId));
      }
      if (!res.destroyed) res.end();
      if (draining) {
        finish({ ok: true, status, summary, brokenAfterCommit: { class: "client_abort", message: "the client closed the connection (the stream was drained for billing)", summary } });
        return;
      }
      finish({ ok: true, status, summary, brokenAfterCommit: failure });
    };

    // --- reading the upstream (plain bytes; compressed bodies go through the decoder first) ---
    const handleChunk = (chunk: Buffer, resume: () => void): boolean => {
      if (mode === "stream") {
        const tapped = tap!.push(chunk);
        const forward = events ? events.push(tapped) : tapped;
        if (committed) return forward.length ? writeToClient(forward, resume) : true;
        if (forward.length) held.push(forward);
        heldBytes += chunk.length;
        if (tap!.summary().sawContent || heldBytes > HOLD_LIMIT_BYTES) {
          commit();
          let ok = true;
          for (const c of held.splice(0)) ok = writeToClient(c, resume);
          return ok;
        }
        return true;
      }
      if (mode === "error") {
        if (heldBytes < ERROR_BODY_LIMIT) held.push(chunk);
        heldBytes += chunk.length;
        return true;
      }
      // json
      if (committed) return writeToClient(chunk, resume);
      held.push(chunk);
      heldBytes += chunk.length;
      if (heldBytes > JSON_BUFFER_LIMIT && conversion) {
        // A converted answer must be read whole, and one this large is not an answer to convert.
        exchange?.abort(new Error(`the upstream's answer exceeds ${JSON_BUFFER_LIMIT} bytes and cannot be converted`));
        return true;
      }
      if (heldBytes > JSON_BUFFER_LIMIT) {
        // Too large to hold: pass it through (usage unknown, fake 200 undetectable).
        tap = undefined;
        commit();
        let ok = true;
        for (const c of held.splice(0)) ok = writeToClient(c, resume);
        return ok;
      }
      return true;
    };

    const handleEnd = () => {
      if (mode === "error") {
        // The hub's credentials for this upstream never go further, even when the vendor echoes them.
        const body = redactSecrets(Buffer.concat(held).subarray(0, ERROR_BODY_LIMIT), [provider.secret, ...Object.values(provider.customHeaders)]);
        finish({
          ok: false,
          failure: { class: "http_error", status, headers: upstreamHeaders, body, message: `upstream answered ${status}: ${body.toString("utf8", 0, 300)}` },
        });
        return;
      }
      if (mode === "json") {
        if (committed) {
          endAfterCommit(undefined);
          return;
        }
        const received = Buffer.concat(held, heldBytes);
        const summary = format.summarizeJson(received, tapOptions);
        if (summary.error) {
          finish({ ok: false, failure: { class: "fake_200", status, message: `${summary.error.type}: ${summary.error.message}`, body: received } });
          return;
        }
        let converted: Buffer = received;
        if (conversion) {
          try {
            converted = conversion.convertJson(received);
          } catch (error) {
            finish({ ok: false, failure: { class: "fake_200", status, message: `the upstream's answer could not be converted (${conversion.label}): ${(error as Error).message}`, body: received } });
            return;
          }
        }
        committed = true;
        ctx.outcome.ttfbMs = Math.round(performance.now() - ctx.startTick);
        const body = filters ? filters.rewriteResponseJson(converted) : converted;
        const headers = responseHeaders();
        headers["content-length"] = String(body.length);
        res.writeHead(status, headers);
        res.end(body);
        finish({ ok: true, status, summary });
        return;
      }
      // stream
      const tail = tap!.end();
      const rest = events ? Buffer.concat([events.push(tail ?? Buffer.alloc(0)), events.end()]) : tail;
      if (rest?.length) held.push(rest);
      const summary = tap!.summary();
      if (!committed) {
        if (summary.error) {
          finish({ ok: false, failure: { class: "fake_200", status, message: `stream error event: ${summary.error.type}: ${summary.error.message}` } });
          return;
        }
        if (!summary.completed) {
          finish({ ok: false, failure: { class: "empty_stream", status, message: "the upstream stream ended before any content" } });
          return;
        }
        commit();
      }
      for (const c of held.splice(0)) writeToClient(c, () => undefined);
      if (summary.error) {
        // The upstream's own error event already reached the client: the attempt failed.
        endAfterCommit({ class: "fake_200", message: `stream error event: ${summary.error.type}: ${summary.error.message}` }, false);
        return;
      }
      if (!summary.completed) {
        endAfterCommit({ class: "network_error", message: "the stream ended without its terminal event" });
        return;
      }
      endAfterCommit(undefined);
    };

    const handleError = (error: Error) => {
      if (error instanceof ClientAbortError || (ctx.clientGone.signal.aborted && !draining)) {
        if (committed && !res.destroyed) res.destroy();
        finish({ ok: false, failure: { class: "client_abort", status: 499, message: "the client closed the connection", summary: tapSummary() } });
        return;
      }
      const failure: AttemptFailure = { class: isTimeout(error) ? "timeout" : "network_error", message: networkMessage(error) };
      if (committed) {
        endAfterCommit(failure);
        return;
      }
      finish({ ok: false, failure });
    };

    const withFilteredHeaders = (headers: Record<string, string>) => (filters ? filters.rewriteRequestHeaders(headers, authHeaders) : headers);
    const request = {
      url: adapter.upstreamUrl(provider, upstream.path, withoutHubCredentials(upstream.search)),
      method: "POST",
      headers: withFilteredHeaders(upstreamRequestHeaders(ctx.req.rawHeaders, { provider, authHeaders, defaultHeaders: adapter.defaultHeaders, addBetaFlags: upstream.addBetaFlags, clientIp: ctx.clientIp })),
      body: upstream.body,
    };

    exchange = startExchange(deps.dispatchers.for(provider, direct), request, {
      onStart(s, headers) {
        status = s;
        record.statusCode = s;
        if (s >= 300) mode = "error";
        else if (String(headers["content-type"] ?? "").includes("text/event-stream") || (streaming && format.streamsJson)) {
          mode = "stream";
          tap = conversion ? conversion.createTap() : format.createStreamTap(tapOptions);
          events = filters?.responseStream(conversion ? conversion.clientSse : String(headers["content-type"] ?? "").includes("text/event-stream"));
        } else mode = "json";
        const makeDecoder = decoderFor(headers["content-encoding"] as string | undefined);
        if (makeDecoder) {
          // The client gets the decoded body: drop the headers that described the encoded one.
          const { "content-encoding": _encoding, "content-length": _length, ...rest } = headers;
          upstreamHeaders = rest;
          decoder = makeDecoder({
            onData: (chunk, resume) => handleChunk(chunk, resume),
            onEnd: handleEnd,
            onError: (error) => {
              exchange?.abort(error);
              handleError(error);
            },
            onDrain: () => exchange?.resume(),
          });
        } else {
          upstreamHeaders = headers;
        }
      },
      onData(chunk) {
        onUpstreamBytes();
        if (decoder) return decoder.write(chunk);
        return handleChunk(chunk, () => exchange?.resume());
      },
      onEnd() {
        if (timer) clearTimeout(timer);
        if (decoder) decoder.end();
        else handleEnd();
      },
      onError: handleError,
    });
  });
}
