/**
 * Step (per attempt): format conversion, when the chosen provider's upstream speaks another wire
 * format than the client (decision 0020). forward.ts asks prepareConversion() for every attempt;
 * it answers undefined for a same-format provider, whose request stays the byte-faithful
 * passthrough (the body is not even parsed). Otherwise:
 *
 * - the body is parsed once per request and decoded with the client's codec into the neutral
 *   model, then encoded with the upstream's codec (path, query, body) — the model name being the
 *   one the provider's redirect rules chose; billing keeps the client's model as for any request;
 * - a failover to a provider of yet another format encodes again from the same parsed body;
 * - what the encoder dropped (features that cannot change the answer) is noted in the decision
 *   chain; a feature it cannot express, or a body the client's codec refuses, is the client's
 *   400 in its own envelope, naming the feature and the provider type;
 * - the returned plan converts the answer on the way back: a JSON body whole (convertJson), a
 *   stream event by event (createTap, ../convert/converting-tap.ts).
 *
 * Token counts (Anthropic count_tokens, Gemini countTokens) convert too (../convert/count-tokens.ts):
 * to the upstream's own counter where it has one, else the hub answers a documented estimate
 * without calling the upstream. Routes that cannot be converted (Responses compaction, Code
 * Assist housekeeping) keep the strict format rule.
 */
import type { CachedProvider } from "../../catalog/types.ts";
import type { GatewayContext } from "../context.ts";
import { ConvertingTap } from "../convert/converting-tap.ts";
import { countAnswer, countOf, decodeCountRequest, encodeCountRequest, estimateTokens, isCountRoute } from "../convert/count-tokens.ts";
import type { Request as NeutralRequest } from "../convert/neutral.ts";
import { codecFor, conversionLabel } from "../convert/registry.ts";
import { responseEvents } from "../convert/response-events.ts";
import { InvalidRequestBody, UnsupportedFeature, type EncodeContext, type FormatCodec } from "../convert/types.ts";
import type { GatewayRoute } from "../endpoints.ts";
import { GatewayError } from "../errors.ts";
import { wireFormat } from "../formats/registry.ts";
import type { ApiFormat, StreamTap, UpstreamRequest, WireFormat } from "../formats/types.ts";
import { forChatGptCodexBackend, isChatGptCodexBackend } from "../providers/codex/backend.ts";
import type { ProviderAdapter } from "../providers/types.ts";

/** Notes of dropped features kept per request (each cut to this length). */
const MAX_NOTES = 20;
const MAX_NOTE_CHARS = 200;

/** What dispatch.ts needs to carry a converted attempt's answer back to the client. */
export interface ConversionPlan {
  from: ApiFormat;
  to: ApiFormat;
  /** "claude → openai-chat", for the decision chain and the log row. */
  label: string;
  /** The upstream's wire format: summaries of its JSON answers, its stream framing. */
  upstreamFormat: WireFormat;
  /** The client's stream is SSE (every format but a Gemini stream without alt=sse, a JSON array). */
  clientSse: boolean;
  /** The content type of the answer the client gets. */
  contentType(streaming: boolean): string;
  /** A tap that turns the upstream's stream into the client's, incrementally. */
  createTap(): StreamTap;
  /**
   * The upstream's complete JSON answer as the client's; throws when the answer is unusable.
   * `asStream`: the client asked for a stream (the upstream ignored `stream`): the answer is
   * written as the client's stream instead.
   */
  convertJson(body: Buffer, asStream?: boolean): Buffer;
}

/** Whether requests of this route may be served by a provider of another format. */
export function convertibleRoute(route: GatewayRoute): boolean {
  return (route.kind === "generate" && route.path !== "/v1/responses/compact") || isCountRoute(route);
}

/** The client's body, parsed once per request (failover re-encodes from it). */
const parsedBodies = new WeakMap<GatewayContext, Record<string, unknown>>();

function parsedBody(ctx: GatewayContext): Record<string, unknown> {
  let body = parsedBodies.get(ctx);
  if (!body) {
    let value: unknown;
    try {
      value = JSON.parse(ctx.body!.toString("utf8"));
    } catch {
      throw new GatewayError("invalid_request", "The request body is not valid JSON.");
    }
    if (!value || typeof value !== "object" || Array.isArray(value)) throw new GatewayError("invalid_request", "The request body must be a JSON object.");
    body = value as Record<string, unknown>;
    parsedBodies.set(ctx, body);
  }
  return body;
}

function isSse(search: string): boolean {
  return /[?&]alt=sse(?:&|$)/.test(search);
}

/** A client error of the conversion, in the client's terms. */
function refusal(error: unknown, from: ApiFormat, to: ApiFormat, provider: CachedProvider): unknown {
  if (error instanceof UnsupportedFeature && error.target === from) {
    // The client's codec refused it on reading: no other format can carry it.
    return new GatewayError("invalid_request", `${error.feature} cannot be converted for provider type ${provider.providerType} (${to}).`);
  }
  if (error instanceof UnsupportedFeature) {
    return new GatewayError(
      "invalid_request",
      `${error.feature} cannot be sent to provider type ${provider.providerType} (${to}): the request was converted from ${from} and that feature has no equivalent there.`,
    );
  }
  if (error instanceof InvalidRequestBody) return new GatewayError("invalid_request", `Invalid ${from} request: ${error.message}`);
  return error;
}

function note(ctx: GatewayContext, label: string, dropped: string[]) {
  const chain = ctx.chain;
  chain.conversion = { label, dropped: dropped.slice(0, MAX_NOTES).map((d) => d.slice(0, MAX_NOTE_CHARS)) };
}

/**
 * The upstream request of an attempt on `provider` and how to convert its answer, or undefined
 * when the provider speaks the client's format (passthrough). Throws GatewayError 400 for what
 * cannot be converted.
 */
export function prepareConversion(
  ctx: GatewayContext,
  now: number,
  provider: CachedProvider,
  adapter: ProviderAdapter,
  model: string,
): { upstream: UpstreamRequest; plan: ConversionPlan } | { local: Buffer; label: string } | undefined {
  const from = ctx.route.format;
  const to = adapter.format;
  if (from === to) return undefined;
  const client = codecFor(from);
  const upstreamCodec = codecFor(to);
  const upstreamFormat = wireFormat(to);
  if (!client || !upstreamCodec || !upstreamFormat) throw new GatewayError("internal", `No conversion from ${from} to ${to}.`);
  const label = conversionLabel(from, to);

  if (isCountRoute(ctx.route)) return prepareCount(ctx, provider, model, from, to, upstreamFormat);

  let neutral: NeutralRequest;
  const dropped: string[] = [];
  let encoded;
  try {
    neutral = client.decodeRequest(parsedBody(ctx), ctx.route, ctx.search);
    // The model the provider's redirect rules chose; the log and billing keep the client's.
    if (model) neutral.model = model;
    encoded = upstreamCodec.encodeRequest(neutral, { dropped });
  } catch (error) {
    throw refusal(error, from, to, provider);
  }
  if (isChatGptCodexBackend(provider)) dropped.push(...forChatGptCodexBackend(encoded.body));
  note(ctx, label, dropped);

  const encodeContext: EncodeContext = {
    model: ctx.request?.model ?? model,
    requestId: ctx.requestId,
    includeUsage: neutral.includeStreamUsage ?? false,
    sse: isSse(ctx.search),
    now: Math.floor(now / 1000),
  };
  const clientSse = from !== "gemini" && from !== "gemini-cli" ? true : encodeContext.sse;
  return {
    upstream: { path: encoded.path, search: encoded.search, body: Buffer.from(JSON.stringify(encoded.body)), usageInjected: false },
    plan: {
      from,
      to,
      label,
      upstreamFormat,
      clientSse,
      contentType: (streaming) => (streaming && clientSse ? "text/event-stream; charset=utf-8" : "application/json; charset=utf-8"),
      createTap: () => new ConvertingTap(upstreamCodec.createStreamDecoder(), client.createStreamEncoder(encodeContext)),
      convertJson: (body, asStream) => convertJson(body, upstreamCodec, client, encodeContext, asStream === true),
    },
  };
}

/**
 * A token count for an upstream of another format: its own counter, or — when its format has
 * none — the hub's estimate, answered without calling it (`local`).
 */
function prepareCount(
  ctx: GatewayContext,
  provider: CachedProvider,
  model: string,
  from: ApiFormat,
  to: ApiFormat,
  upstreamFormat: WireFormat,
): { upstream: UpstreamRequest; plan: ConversionPlan } | { local: Buffer; label: string } {
  const label = conversionLabel(from, to);
  const dropped: string[] = [];
  let neutral: NeutralRequest;
  let encoded;
  try {
    neutral = decodeCountRequest(parsedBody(ctx), ctx.route, ctx.search);
    if (model) neutral.model = model;
    encoded = encodeCountRequest(neutral, to, { dropped });
  } catch (error) {
    throw refusal(error, from, to, provider);
  }
  if (!encoded) {
    note(ctx, label, [`token count estimated by the hub: ${to} upstreams have no token counter`]);
    return { local: Buffer.from(JSON.stringify(countAnswer(from, estimateTokens(neutral)))), label };
  }
  note(ctx, label, dropped);
  return {
    upstream: { path: encoded.path, search: "", body: Buffer.from(JSON.stringify(encoded.body)), usageInjected: false },
    plan: {
      from,
      to,
      label,
      upstreamFormat,
      clientSse: false,
      contentType: () => "application/json; charset=utf-8",
      createTap: () => {
        throw new Error("a token count is never streamed");
      },
      convertJson: (body) => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(body.toString("utf8"));
        } catch {
          throw new Error(`the upstream's ${to} token count is not valid JSON`);
        }
        const tokens = parsed && typeof parsed === "object" ? countOf(to, parsed as Record<string, unknown>) : undefined;
        if (tokens === undefined) throw new Error(`the upstream's ${to} answer has no token count`);
        return Buffer.from(JSON.stringify(countAnswer(from, tokens)));
      },
    },
  };
}

function convertJson(body: Buffer, upstream: FormatCodec, client: FormatCodec, ctx: EncodeContext, asStream: boolean): Buffer {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    throw new Error(`the upstream's ${upstream.format} answer is not valid JSON`);
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error(`the upstream's ${upstream.format} answer is not a JSON object`);
  const response = upstream.decodeResponse(parsed as Record<string, unknown>);
  if (asStream) {
    const encoder = client.createStreamEncoder(ctx);
    return Buffer.from(encoder.encode(responseEvents(response)) + encoder.end());
  }
  return Buffer.from(JSON.stringify(client.encodeResponse(response, ctx)));
}

/** The message of an upstream error body of any format (Google answers an array of one error). */
export function upstreamErrorMessage(body: Buffer | undefined): string | undefined {
  if (!body?.length) return undefined;
  const text = body.toString("utf8", 0, Math.min(body.length, 64 * 1024));
  try {
    let parsed = JSON.parse(text) as unknown;
    if (Array.isArray(parsed)) parsed = parsed[0];
    const error = (parsed as { error?: unknown; message?: unknown } | null)?.error ?? parsed;
    if (typeof error === "string") return error.slice(0, 2000);
    const message = (error as { message?: unknown } | null)?.message;
    if (typeof message === "string") return message.slice(0, 2000);
  } catch {
    // not JSON: the text itself
  }
  return text.trim().slice(0, 500) || undefined;
}
