/**
 * The Anthropic Messages codec (`claude`, POST /v1/messages).
 *
 * What maps to what (Anthropic ⇄ neutral):
 * | Anthropic                                         | neutral                                         |
 * |---------------------------------------------------|-------------------------------------------------|
 * | system (string or text blocks, cache_control/ttl) | system TextPart[] (cache.ttl); one uncached part is sent back as a string |
 * | role "system" messages (accepted by the API)      | appended to system, in order                    |
 * | text / image (base64, url, file) blocks           | TextPart / ImagePart                            |
 * | document: base64 PDF, url, text, content (texts), file | DocumentPart (title kept)                  |
 * | thinking {thinking, signature}                    | ThinkingPart origin "claude" ("" signature = none) |
 * | redacted_thinking {data}                          | ThinkingPart {text:"", redacted}                |
 * | tool_use / tool_result (string or blocks, is_error) | ToolCallPart / ToolResultPart (name from the call) |
 * | tools (input_schema, description, strict, cache_control) | ToolDefinition                           |
 * | server tools (type web_search_…, bash_…, text_editor_…) | decoded as ToolDefinition {name, empty object schema} |
 * | tool search (tool_search_tool_regex/bm25 tool, its server_tool_use and result, tool_reference) | left out: deferred tools (defer_loading) are all defined |
 * | tool_choice auto/any/tool/none, disable_parallel_tool_use | toolChoice auto/required/tool/none, parallelToolCalls false |
 * | thinking enabled{budget_tokens} / adaptive / disabled, display | reasoning {enabled, budgetTokens, includeThoughts} |
 * | output_config.effort low/medium/high (xhigh, max → high) | reasoning.effort                         |
 * | output_config.format / output_format json_schema  | responseFormat json_schema                      |
 * | metadata.user_id, stop_sequences, temperature, top_p, top_k, max_tokens, stream | same fields |
 * | stop_reason end_turn/max_tokens/stop_sequence/tool_use/pause_turn/refusal | same; model_context_window_exceeded → max_tokens; neutral content_filter → refusal, error → end_turn |
 * | usage input/output/cache_read/cache_creation (5m/1h split; an undivided total counts as 5m), output_tokens_details.thinking_tokens | NeutralUsage (already disjoint), reasoningTokens |
 *
 * encodeRequest (to an Anthropic upstream):
 * - max_tokens (required): the request's, else 8192, or with thinking max(32000, budget + 8192).
 * - Thinking budget: the request's (at least 1024), else from the effort: minimal 1024, low
 *   4096, medium 10000 (also for no effort), high 24000; kept under max_tokens.
 * - Messages: consecutive same-role turns merged, tool_result blocks first in their user turn,
 *   a "." user turn added when the conversation starts with the assistant (noted), tool ids
 *   outside [a-zA-Z0-9_-] replaced by "_" in calls and results alike, trailing whitespace of
 *   an assistant prefill trimmed (noted; Anthropic refuses it).
 * - Media: images base64 (jpeg/png/gif/webp) or URL; documents: base64 PDF, PDF URL, text
 *   (base64 text/* is decoded into a text source); a document's filename becomes its title.
 * - Dropped silently (nothing on Claude depends on them): json_schema name and strict
 *   (Anthropic's structured outputs are always strict), includeStreamUsage (Anthropic streams
 *   always report usage), includeThoughts.
 * - Dropped with a note: thinking without an Anthropic signature (another origin), temperature
 *   / top_k / top_p < 0.95 while thinking, temperature > 1 lowered to 1, image detail,
 *   empty text blocks, response_format json_object (OpenAI's JSON mode requires the prompt to
 *   ask for JSON), prompt_cache_key.
 * - Thinking turned off with a note: forced tool choice (Anthropic cannot think then), a tool
 *   round whose assistant turn has no Anthropic thinking block (it would be refused), an output
 *   limit under 1025.
 * - Refused (UnsupportedFeature): image types other than jpeg/png/gif/webp, images or documents
 *   given as another vendor's file id, documents that are neither PDF nor text, an image as text.
 *
 * decodeRequest refuses (InvalidRequestBody) history blocks of Anthropic's server-side tools
 * other than tool search (server_tool_use, web_search_tool_result, …), images inside document content sources,
 * tool_result blocks other than text/image/document, and mcp_servers: no other format can
 * replay or reach them. It ignores what does not change the answer or has no neutral form:
 * citations, document context, service_tier, inference_geo, container, context_management,
 * top-level cache_control.
 *
 * Responses and streams: text, thinking, redacted_thinking, tool_use in order; citations and
 * server-tool blocks skipped. Reasoning from another vendor is shown as a thinking block whose
 * signature carries its tokens (OpenAI encrypted_content and item id, Gemini thoughtSignature;
 * "cch1.r.…"), and a tool call's Gemini signature follows its tool_use in a thinking block
 * ("cch1.c.…"): Claude clients replay signatures verbatim, so decodeRequest restores them on the
 * next turn (carried.ts). Reasoning with no tokens gets signature "". Signatures on text blocks
 * (Gemini) are dropped. Usage is written in every bucket with the 5m/1h split; reasoningTokens
 * are inside output_tokens and not shown apart. Streams put the final input-side counts in
 * message_delta too (a converted upstream may know them only at the end). Stream errors become
 * `event: error` with the closest Anthropic error type.
 */
import type { FormatCodec } from "../types.ts";
import { decodeClaudeRequest, encodeClaudeRequest } from "./request.ts";
import { decodeClaudeResponse, encodeClaudeResponse } from "./response.ts";
import { createClaudeStreamDecoder } from "./stream-decoder.ts";
import { createClaudeStreamEncoder } from "./stream-encoder.ts";

export const claudeCodec: FormatCodec = {
  format: "claude",
  decodeRequest: decodeClaudeRequest,
  encodeRequest: encodeClaudeRequest,
  decodeResponse: decodeClaudeResponse,
  encodeResponse: encodeClaudeResponse,
  createStreamDecoder: createClaudeStreamDecoder,
  createStreamEncoder: createClaudeStreamEncoder,
};
