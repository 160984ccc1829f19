/**
 * The `gemini-cli` codec (Code Assist /v1internal:generateContent | :streamGenerateContent): a
 * thin wrapper over the gemini codec, since Code Assist carries a Gemini request and Gemini
 * responses inside envelopes.
 *
 * | neutral                 | gemini-cli                                                                  |
 * |-------------------------|-----------------------------------------------------------------------------|
 * | model                   | body.model (required)                                                       |
 * | everything else         | body.request, as the gemini codec maps it (see ../gemini/index.ts)         |
 * | promptCacheKey          | request.session_id (Gemini CLI's session id), both ways                     |
 * | stream                  | the route's method; upstream path :streamGenerateContent + "?alt=sse"      |
 * | project, user_prompt_id | decode: ignored (account-specific); encode: not sent — the upstream account's project is not known to a codec, so filling it in belongs to the provider adapter |
 * | responses               | {response: GenerateContentResponse} (decode unwraps, encode wraps)          |
 * | stream chunks           | each chunk {response: …}; errors in Google's plain envelope                 |
 */
import type { GatewayRoute } from "../../endpoints.ts";
import { unwrapCodeAssist } from "../../formats/gemini-cli/response.ts";
import type { Request, Response } from "../neutral.ts";
import { InvalidRequestBody, type ConversionNotes, type EncodeContext, type EncodedRequest, type FormatCodec } from "../types.ts";
import { bareModel, decodeGeminiRequest, encodeGeminiBody, isObject } from "../gemini/request.ts";
import { decodeResponse as decodeGeminiResponse, encodeResponse as encodeGeminiResponse } from "../gemini/response.ts";
import { GeminiStreamDecoder } from "../gemini/stream-decoder.ts";
import { GeminiStreamEncoder } from "../gemini/stream-encoder.ts";

function decodeRequest(body: Record<string, unknown>, route: GatewayRoute, _search: string): Request {
  if (typeof body.model !== "string" || !body.model) throw new InvalidRequestBody("model: must be a non-empty string");
  if (!isObject(body.request)) throw new InvalidRequestBody("request: must be an object (the Gemini request)");
  const inner = body.request;
  const request = decodeGeminiRequest(inner, body.model, route.stream === true);
  if (typeof inner.session_id === "string" && inner.session_id) request.promptCacheKey = inner.session_id;
  return request;
}

function encodeRequest(request: Request, notes: ConversionNotes): EncodedRequest {
  // The session id has a slot here; the gemini body encoder would note it as dropped.
  const { promptCacheKey, ...rest } = request;
  const inner = encodeGeminiBody(rest, notes, "gemini-cli");
  if (promptCacheKey) inner.session_id = promptCacheKey;
  return {
    path: `/v1internal:${request.stream ? "streamGenerateContent" : "generateContent"}`,
    search: request.stream ? "?alt=sse" : "",
    body: { model: bareModel(request.model), request: inner },
  };
}

function decodeResponse(body: Record<string, unknown>): Response {
  const inner = unwrapCodeAssist(body);
  return decodeGeminiResponse(isObject(inner) ? inner : {});
}

function encodeResponse(response: Response, ctx: EncodeContext): Record<string, unknown> {
  return { response: encodeGeminiResponse(response, ctx) };
}

export const geminiCliCodec: FormatCodec = {
  format: "gemini-cli",
  decodeRequest,
  encodeRequest,
  decodeResponse,
  encodeResponse,
  createStreamDecoder: () => new GeminiStreamDecoder(unwrapCodeAssist),
  createStreamEncoder: (ctx) => new GeminiStreamEncoder(ctx, true),
};
