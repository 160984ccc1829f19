/**
 * Token counting across formats (issue 8): Anthropic's POST /v1/messages/count_tokens and
 * Gemini's :countTokens, served by a provider of another format.
 *
 * - A Claude upstream counts with count_tokens, a Gemini upstream with countTokens (the request
 *   sent as generateContentRequest, so the system prompt and tools are counted too): the
 *   upstream's own tokenizer, as exact as a same-format request.
 * - OpenAI (Chat, Responses) and Code Assist upstreams have no counter a relay can rely on: the
 *   hub answers an estimate without calling the upstream — about 4 characters of text (or of a
 *   tool's JSON Schema, or of a tool call's JSON) per token, plus a flat 1 600 tokens per image
 *   or document (Anthropic's figure for an image of about 1.15 megapixels). Counts of English
 *   prose and code land within ~20 % of the real tokenizers; it is meant for context-window
 *   checks (Claude Code's auto-compaction), never for billing (count routes are not billed).
 *
 * The client's request is decoded with its own codec, as for a generation request; the answer
 * is written in the client's shape: {"input_tokens": n} or {"totalTokens": n}.
 */
import type { GatewayRoute } from "../endpoints.ts";
import type { ApiFormat } from "../formats/types.ts";
import type { Request } from "./neutral.ts";
import { codecFor } from "./registry.ts";
import { bareModel, encodeGeminiBody } from "./gemini/request.ts";
import type { ConversionNotes, EncodedRequest } from "./types.ts";

/** Characters per token of the estimate. */
const CHARS_PER_TOKEN = 4;
/** Tokens per image or document in the estimate. */
const MEDIA_TOKENS = 1600;

/** Whether the route is a token count the hub can answer across formats. */
export function isCountRoute(route: GatewayRoute): boolean {
  return (route.format === "claude" && route.path === "/v1/messages/count_tokens") || (route.format === "gemini" && /:countTokens$/.test(route.path));
}

/** The client's count request as a neutral request (Gemini: `contents` or a whole generateContentRequest). */
export function decodeCountRequest(body: Record<string, unknown>, route: GatewayRoute, search: string): Request {
  if (route.format === "gemini") {
    const inner = body.generateContentRequest;
    const request = inner && typeof inner === "object" && !Array.isArray(inner) ? (inner as Record<string, unknown>) : body;
    return codecFor("gemini")!.decodeRequest(request, { ...route, stream: false }, "");
  }
  // Anthropic's count_tokens body is a Messages body without max_tokens.
  return codecFor("claude")!.decodeRequest({ max_tokens: 1, ...body }, route, search);
}

/** The upstream's count request, or undefined when the upstream format has no counter. */
export function encodeCountRequest(request: Request, to: ApiFormat, notes: ConversionNotes): EncodedRequest | undefined {
  const counted: Request = { ...request, stream: false };
  if (to === "claude") {
    const encoded = codecFor("claude")!.encodeRequest(counted, notes);
    // count_tokens takes the prompt-side fields only.
    const { max_tokens: _max, stream: _stream, temperature: _t, top_p: _p, top_k: _k, stop_sequences: _s, metadata: _m, ...body } = encoded.body;
    return { path: "/v1/messages/count_tokens", search: "", body };
  }
  if (to === "gemini") {
    const model = bareModel(counted.model);
    const body = encodeGeminiBody(counted, notes, "gemini");
    return { path: `/v1beta/models/${encodeURIComponent(model)}:countTokens`, search: "", body: { generateContentRequest: { model: `models/${model}`, ...body } } };
  }
  return undefined;
}

/** The count in an upstream's answer, or undefined when it has none. */
export function countOf(to: ApiFormat, body: Record<string, unknown>): number | undefined {
  const value = to === "claude" ? body.input_tokens : body.totalTokens;
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? Math.floor(value) : undefined;
}

/** The count in the client's shape. */
export function countAnswer(from: ApiFormat, tokens: number): Record<string, unknown> {
  return from === "gemini" ? { totalTokens: tokens } : { input_tokens: tokens };
}

/** The documented estimate (see the top of this file). */
export function estimateTokens(request: Request): number {
  let chars = 0;
  let media = 0;
  const text = (s: string | undefined) => {
    chars += s?.length ?? 0;
  };
  for (const part of request.system) text(part.text);
  for (const tool of request.tools) {
    text(tool.name);
    text(tool.description);
    text(JSON.stringify(tool.parameters));
  }
  for (const message of request.messages) {
    for (const part of message.parts) {
      switch (part.type) {
        case "text":
        case "thinking":
          text(part.text);
          break;
        case "image":
        case "document":
          if (part.type === "document" && part.source.kind === "text") text(part.source.text);
          else media++;
          break;
        case "tool_call":
          text(part.name);
          text(JSON.stringify(part.input));
          break;
        case "tool_result":
          for (const inner of part.content) {
            if (inner.type === "text") text(inner.text);
            else media++;
          }
          break;
      }
    }
  }
  return Math.ceil(chars / CHARS_PER_TOKEN) + media * MEDIA_TOKENS;
}
