/**
 * Step: one upstream attempt — build the upstream request, call it, and hand its answer to the
 * relay of stream-response.ts, which carries it to the client.
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
import type { AttemptFilters } from "../filters/attempt.ts";
import type { ConversionPlan } from "./convert.ts";
import { codeAssistProject } from "../providers/gemini-cli/project.ts";
import type { UpstreamRequest } from "../formats/types.ts";
import type { ProviderAdapter } from "../providers/types.ts";
import { decoderFor, type Decoder } from "../upstream/body-decoder.ts";
import { withoutHubCredentials } from "../upstream/credentials.ts";
import { upstreamRequestHeaders } from "../upstream/headers.ts";
import { startExchange, type Exchange } from "../upstream/http-exchange.ts";
import { ResponseRelay, type AttemptResult } from "./stream-response.ts";

export type { AttemptFailure, AttemptResult, FailureClass } from "./stream-response.ts";

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
  const streaming = ctx.request?.stream ?? false;

  return new Promise<AttemptResult>((resolve) => {
    let decoder: Decoder | undefined;
    let done = false;
    let exchange: Exchange | undefined = undefined;
    let timer: NodeJS.Timeout | undefined;

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

    // What reaches the client, and when: steps/stream-response.ts.
    const relay = new ResponseRelay({
      res,
      requestId: ctx.requestId,
      clientFormat: ctx.format,
      // What the upstream's answer is read as: the client's format, or the upstream's when converting.
      format: conversion?.upstreamFormat ?? ctx.format,
      streaming,
      tapOptions: { defaultCacheTtl: upstream.cacheTtl ?? "5m", usageInjected: upstream.usageInjected },
      conversion,
      filters,
      secrets: [provider.secret, ...Object.values(provider.customHeaders)],
      settings: () => deps.catalog.settings(),
      onCommit: () => {
        ctx.outcome.ttfbMs = Math.round(performance.now() - ctx.startTick);
      },
      abort: (error) => exchange?.abort(error),
      finish,
    });

    // --- timers -------------------------------------------------------------------------------
    const arm = (ms: number, what: string) => {
      if (timer) clearTimeout(timer);
      timer = ms > 0 ? setTimeout(() => exchange?.abort(new UpstreamTimeoutError(what)), ms) : undefined;
    };
    const { firstByteStreamingMs, streamingIdleMs, nonStreamingTotalMs } = provider.timeouts;
    if (streaming) arm(firstByteStreamingMs, `no first byte within ${firstByteStreamingMs} ms`);
    else arm(nonStreamingTotalMs, `no complete answer within ${nonStreamingTotalMs} ms`);
    const onUpstreamBytes = () => {
      if (streaming && !relay.draining) arm(streamingIdleMs, `the stream was silent for ${streamingIdleMs} ms`);
    };

    const onClientClose = () => {
      if (res.writableFinished || done) return;
      ctx.clientGone.abort();
      if (provider.clientAbortPolicy === "drain" && relay.mode === "stream" && relay.committed) {
        // Keep reading (writes are dropped) so the usage of what was generated can be billed.
        relay.draining = true;
        arm(provider.drainTimeoutMs, `drain after client abort exceeded ${provider.drainTimeoutMs} ms`);
        return;
      }
      exchange?.abort(new ClientAbortError());
    };
    res.on("close", onClientClose);

    const handleError = (error: Error) => {
      const clientGone = error instanceof ClientAbortError || (ctx.clientGone.signal.aborted && !relay.draining);
      relay.fail({ class: isTimeout(error) ? "timeout" : "network_error", message: networkMessage(error) }, clientGone);
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
        record.statusCode = s;
        const makeDecoder = decoderFor(headers["content-encoding"] as string | undefined);
        // The client gets the decoded body: drop the headers that described the encoded one.
        const { "content-encoding": _encoding, "content-length": _length, ...decoded } = headers;
        relay.start(s, makeDecoder ? decoded : headers, String(headers["content-type"] ?? ""));
        if (makeDecoder) {
          decoder = makeDecoder({
            onData: (chunk, resume) => relay.push(chunk, resume),
            onEnd: () => relay.end(),
            onError: (error) => {
              exchange?.abort(error);
              handleError(error);
            },
            onDrain: () => exchange?.resume(),
          });
        }
      },
      onData(chunk) {
        onUpstreamBytes();
        if (decoder) return decoder.write(chunk);
        return relay.push(chunk, () => exchange?.resume());
      },
      onEnd() {
        if (timer) clearTimeout(timer);
        if (decoder) decoder.end();
        else relay.end();
      },
      onError: handleError,
    });
  });
}
