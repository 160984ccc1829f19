/**
 * The `gemini` codec (Gemini API generateContent / streamGenerateContent).
 *
 * | neutral                               | gemini                                                            |
 * |---------------------------------------|-------------------------------------------------------------------|
 * | system                                | systemInstruction.parts[].text                                    |
 * | user / assistant                      | contents[].role user / model (consecutive same-role turns merged) |
 * | text                                  | {text}                                                            |
 * | image / document, base64              | inlineData {mimeType, data} (decode: image/* → image, else document) |
 * | image / document, url                 | data: URL → inlineData; http(s) → fileData {fileUri: url, mimeType} (mimeType from the source or the URL's extension, else UnsupportedFeature; an API version that cannot fetch public URLs answers 400) |
 * | image / document, file id             | fileData {fileUri} — only https:// or gs:// ids, else UnsupportedFeature |
 * | document, text                        | {text} (title on the first line)                                  |
 * | thinking (origin gemini)              | {text, thought: true, thoughtSignature?}                          |
 * | thinking (other origin)               | dropped with a note                                               |
 * | tool_call                             | functionCall {id, name, args} + thoughtSignature; a model turn whose calls carry no signature gets Google's "skip_thought_signature_validator" on its first call (not for gemini-1.x/2.x models, which do not validate) |
 * | tool_result                           | functionResponse {id, name, response: {output} or {error}}; name from the part or the earlier call; media of the result follow as parts |
 * | call ids                              | sent as functionCall.id / functionResponse.id (the Gemini API accepts them; Vertex does not); decode: id-less calls get call_<n>, id-less responses answer the oldest open call of that name |
 * | tools                                 | tools[{functionDeclarations[{name, description, parameters}]}]; JSON Schema rewritten to Gemini's subset (schema.ts), removed keywords noted; decode also reads parametersJsonSchema |
 * | toolChoice auto/none/required/tool    | functionCallingConfig AUTO / NONE / ANY / ANY + allowedFunctionNames [name] (decode: ANY with several names → required + only those tools) |
 * | maxOutputTokens, temperature, topP, topK, stopSequences | generationConfig fields (more than 5 stop sequences → UnsupportedFeature) |
 * | responseFormat json_object / json_schema | responseMimeType application/json (+ responseSchema, rewritten); decode also reads responseJsonSchema |
 * | reasoning                             | thinkingConfig by model family (thinking.ts): 1.x/2.0 none (noted); 2.5 thinkingBudget clamped to the model's range, effort → budget, off → 0 (Pro: 128, noted); 3+ effort → thinkingLevel, budget as is, off → lowest level (noted); unknown names → budget; includeThoughts (default true when enabled) |
 * | cache breakpoints, user id, prompt cache key, parallelToolCalls=false, image detail, strict | dropped with a note |
 * | stream                                | path :streamGenerateContent + "?alt=sse"                          |
 *
 * Refused when a Gemini client sends them (InvalidRequestBody): tools other than
 * functionDeclarations (googleSearch, codeExecution, urlContext…), executableCode /
 * codeExecutionResult parts, cachedContent, candidateCount > 1, responseMimeType other than
 * text/plain and application/json. Ignored on decode: safetySettings, labels, penalties, seed,
 * signatures on plain text parts (not enforced by the API; no neutral slot).
 *
 * Responses: see response.ts for the finishReason table and usage; media and code-execution
 * parts of an answer are skipped; empty text parts are never sent upstream (Gemini refuses
 * them). Streams: stream-decoder.ts / stream-encoder.ts. Not handled: Vertex's streamed partial
 * function-call arguments (partialArgs / willContinue; the hub never asks for them), tool names
 * Gemini refuses (over 64 characters or outside [A-Za-z0-9_.:-]) — sent as they are, the
 * upstream's 400 reaches the client.
 */
import type { FormatCodec } from "../types.ts";
import { decodeRequest, encodeRequest } from "./request.ts";
import { decodeResponse, encodeResponse } from "./response.ts";
import { createStreamDecoder } from "./stream-decoder.ts";
import { createStreamEncoder } from "./stream-encoder.ts";

export const geminiCodec: FormatCodec = {
  format: "gemini",
  decodeRequest,
  encodeRequest,
  decodeResponse,
  encodeResponse,
  createStreamDecoder,
  createStreamEncoder,
};
