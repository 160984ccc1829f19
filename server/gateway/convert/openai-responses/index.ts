/**
 * The OpenAI Responses codec (POST /v1/responses: Codex CLI, the openai SDK's responses API).
 *
 * Request, client → neutral (decodeRequest)          | neutral → upstream (encodeRequest)
 * ---------------------------------------------------|------------------------------------------------
 * instructions, system/developer messages → system   | system → instructions (joined by blank lines)
 *   (developer messages join it in order)            |
 * input string → one user text                       | messages → input items, order kept
 * message input_text/output_text/refusal → text      | text → input_text (user) / output_text (assistant)
 * input_image image_url (data: → base64, http → url),| image → input_image (data: URL, URL, file_id), detail
 *   file_id → file; detail kept                      |   (default "auto")
 * input_file file_data/file_url/file_id, filename    | document → input_file (filename made up for inline
 *   → document                                       |   data); text document → input_text
 * function_call → tool_call (arguments parsed;       | tool_call → function_call (arguments JSON text)
 *   unparseable kept as {_raw})                      |
 * function_call_output (string | parts) → tool_result| tool_result → function_call_output (string or parts)
 * reasoning {id, summary, encrypted_content} →       | thinking of origin openai-responses with encrypted
 *   thinking (origin openai-responses, itemId);      |   content → reasoning item without id (as Codex CLI
 *                                                    |   sends it); other thinking DROPPED
 *   our envelope "cch1:<origin>:…" → thinking of     |   (note): Responses replays only its own reasoning
 *   that origin with its signature (reasoning.ts)    |
 * tools function → tool (strict kept)                | tools → function tools, strict false unless asked
 * tools custom (apply_patch) → tool with one string  |   ($schema removed)
 *   argument `input` (grammar in the description);   |
 *   custom_tool_call(_output) → tool_call {input}.   |
 *   Calls come back as function_call {"input": …}:   |
 *   Codex's apply_patch accepts that; other free-form|
 *   Codex tools (js_repl) may not                    |
 * tool_choice auto/none/required/{function|custom}   | tool_choice ⇄ the same; parallel_tool_calls ⇄
 *   allowed_tools → the listed tools only            |
 * max_output_tokens, temperature, top_p              | ⇄ the same
 * reasoning.effort (xhigh → high; none → disabled),  | reasoning {effort (budget bucketed: <4k low, <16k
 *   summary → includeThoughts                        |   medium, else high), summary auto} + include
 *                                                    |   ["reasoning.encrypted_content"]; disabled → not sent
 * text.format json_schema/json_object/text           | ⇄ the same (name "response" when none)
 * safety_identifier ?? user → user                   | user → safety_identifier (SHA-256 when > 64 chars)
 * prompt_cache_key, stream                           | ⇄ the same (prompt_cache_key hashed when > 64); store false
 * IGNORED: store, include, metadata, service_tier,   | DROPPED with a note: cache breakpoints, top_k, stop
 *   truncation, text.verbosity, max_tool_calls,      |   sequences (no Responses field; clients of the hub
 *   top_logprobs, prompt_cache_retention             |   do not rely on them), is_error of tool results,
 * REFUSED (InvalidRequestBody): previous_response_id,|   thinking from other formats, thinking disabled
 *   conversation, prompt, background, item_reference,| REFUSED (UnsupportedFeature): image/document in an
 *   built-in tools and their items (web_search,      |   assistant message, an image with a text source
 *   file_search, local_shell, computer…), input_audio|
 *   compaction items                                 |
 *
 * Response: output items in order (reasoning → thinking, message output_text/refusal → text,
 * function_call/custom_tool_call → tool_call) ⇄ parts; stop reasons in response.ts; usage:
 * input_tokens includes cached_tokens (subtracted for the neutral input bucket, added back on
 * encode together with cache writes, which Responses does not report); reasoning_tokens ⇄
 * reasoningTokens. Ids: the upstream's "resp_…" is kept, otherwise "resp_/msg_/rs_/fc_" made
 * from the request id (ids.ts). Not carried back to a Responses client: Gemini's signatures on
 * tool calls (function_call items have no slot), OpenAI item ids of messages/function calls
 * from another upstream (made up).
 *
 * Streams: stream-decoder.ts and stream-encoder.ts describe their event mappings. An error in a
 * stream reaches the client as an `error` event and then response.failed.
 */
import type { FormatCodec } from "../types.ts";
import { decodeResponsesRequest, encodeResponsesRequest } from "./request.ts";
import { decodeResponsesResponse, encodeResponsesResponse } from "./response.ts";
import { createResponsesStreamDecoder } from "./stream-decoder.ts";
import { createResponsesStreamEncoder } from "./stream-encoder.ts";

export const openAiResponsesCodec: FormatCodec = {
  format: "openai-responses",
  decodeRequest: decodeResponsesRequest,
  encodeRequest: encodeResponsesRequest,
  decodeResponse: decodeResponsesResponse,
  encodeResponse: encodeResponsesResponse,
  createStreamDecoder: createResponsesStreamDecoder,
  createStreamEncoder: createResponsesStreamEncoder,
};
