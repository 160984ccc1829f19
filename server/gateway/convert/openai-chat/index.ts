/**
 * The OpenAI Chat Completions codec (`openai-chat`, POST /v1/chat/completions).
 *
 * Request, Chat → neutral (decodeRequest)
 * | Chat                                                | neutral                                          |
 * | --------------------------------------------------- | ------------------------------------------------ |
 * | system / developer messages (anywhere, in order)    | system text parts (mid-history ones folded in,   |
 * |                                                     | without a note: decodeRequest has no notes)      |
 * | user content string / text parts                    | text parts (empty strings skipped)               |
 * | user image_url data: URL / http URL, detail         | image base64 / url source, detail                |
 * | user file {file_data data URL | file_id, filename}  | document base64 / file source, filename          |
 * | user input_audio                                    | refused: UnsupportedFeature                      |
 * | cache_control on parts / tools (OpenRouter style)   | cache breakpoints                                |
 * | assistant content (string / text+refusal parts)     | text parts                                       |
 * | assistant reasoning_content (or `reasoning`)        | thinking part first, origin openai-chat          |
 * | assistant tool_calls[{id, function{name,arguments}}]| tool_call parts (bad JSON → input {_raw: text})  |
 * | tool messages (tool_call_id, content)               | tool_result parts of one user message; runs of   |
 * |                                                     | tool messages and a user message after them merge|
 * | tools [{type:function, function{…, strict}}]        | tool definitions; other tool types refused       |
 * | tool_choice auto/none/required/{function}           | auto/none/required/tool                          |
 * | parallel_tool_calls                                 | parallelToolCalls                                |
 * | max_completion_tokens ?? max_tokens                 | maxOutputTokens                                  |
 * | temperature, top_p, top_k (vLLM extension), stop    | same (stop string → one-element list)            |
 * | reasoning_effort none / minimal…high / xhigh        | reasoning off / effort / effort high             |
 * | response_format text/json_object/json_schema        | responseFormat                                   |
 * | safety_identifier ?? user, prompt_cache_key         | user, promptCacheKey                             |
 * | stream, stream_options.include_usage                | stream, includeStreamUsage                       |
 * | n > 1, logprobs, audio / modalities audio,          | refused: UnsupportedFeature                      |
 * | web_search_options, functions / function_call       |                                                  |
 * | frequency/presence_penalty, seed, logit_bias,       | ignored (no neutral field)                       |
 * | metadata, store, service_tier, verbosity, message   |                                                  |
 * | `name`, prediction                                  |                                                  |
 *
 * Request, neutral → Chat (encodeRequest; path /v1/chat/completions)
 * | neutral                          | Chat                                                         |
 * | -------------------------------- | ------------------------------------------------------------ |
 * | system parts                     | one system message, texts joined by a blank line             |
 * | image base64 / url, detail       | image_url data URL / URL, detail; file-id images refused     |
 * | document base64 / file / text    | file {filename, file_data} / file {file_id} / text part      |
 * | document url                     | refused: UnsupportedFeature                                  |
 * | tool_result                      | tool message before the user's other content; is_error →     |
 * |                                  | "[tool error]" prefix; images/documents of a result follow   |
 * |                                  | in the next user message, introduced by a line naming the id |
 * | assistant text / tool_call       | content (joined by blank lines; null only beside calls) /    |
 * |                                  | tool_calls (arguments JSON; {_raw} sent as its text)         |
 * | thinking of origin openai-chat   | reasoning_content                                            |
 * | thinking of another origin,      | dropped with a note (signed for another vendor)              |
 * | redacted thinking                |                                                              |
 * | tools, toolChoice, parallel      | tools/tool_choice/parallel_tool_calls (the latter two only   |
 * |                                  | with tools; required/named choice without tools refused)     |
 * | maxOutputTokens                  | max_tokens (compatible servers know only this one; OpenAI's  |
 * |                                  | reasoning models want max_completion_tokens — a Chat upstream|
 * |                                  | that is OpenAI itself should be a Responses/codex provider)  |
 * | topK                             | dropped with a note                                          |
 * | stopSequences, temperature, topP | stop, temperature, top_p                                     |
 * | reasoning effort / budget        | reasoning_effort (budget ≤2048 low, ≤16384 medium, else high;|
 * |                                  | note); reasoning off → field left out                        |
 * | responseFormat                   | response_format (json_schema name defaults to "response")    |
 * | user, promptCacheKey             | user (SHA-256 hex when over OpenAI's 64 characters, e.g.     |
 * |                                  | Claude Code's metadata.user_id), prompt_cache_key            |
 * | stream                           | stream + stream_options.include_usage = true, always         |
 * | cache breakpoints                | dropped with a note                                          |
 *
 * Response (decodeResponse / encodeResponse, the stream decoder and encoder)
 * | Chat                                        | neutral                                           |
 * | ------------------------------------------- | ------------------------------------------------- |
 * | reasoning_content / delta.reasoning_content | thinking (no signature); encoded back the same way|
 * | content / delta.content                     | text; several text blocks → joined by a blank line|
 * | refusal / delta.refusal                     | text + stop reason refusal (encoded back as       |
 * |                                             | content with finish_reason content_filter)        |
 * | tool_calls / deltas by index                | tool_call parts / sequential blocks (interleaved  |
 * |                                             | calls reordered, see stream-decoder.ts)           |
 * | finish_reason                               | table in finish-reason.ts                         |
 * | usage prompt/completion/cached/reasoning    | input = prompt − cached − cache writes, cacheRead,|
 * |                                             | output, reasoningTokens; back: prompt = all three |
 * | id                                          | kept when "chatcmpl-…", else chatcmpl-<request id>|
 * | {"error":{…}} in a stream                   | error event; encoded as data: {"error":…}, no DONE|
 */
import type { FormatCodec } from "../types.ts";
import { decodeChatRequest, encodeChatRequest } from "./request.ts";
import { decodeChatResponse, encodeChatResponse } from "./response.ts";
import { createChatStreamDecoder } from "./stream-decoder.ts";
import { createChatStreamEncoder } from "./stream-encoder.ts";

export const openAiChatCodec: FormatCodec = {
  format: "openai-chat",
  decodeRequest: (body) => decodeChatRequest(body),
  encodeRequest: encodeChatRequest,
  decodeResponse: decodeChatResponse,
  encodeResponse: encodeChatResponse,
  createStreamDecoder: createChatStreamDecoder,
  createStreamEncoder: createChatStreamEncoder,
};

export { MalformedChatResponse } from "./response.ts";
