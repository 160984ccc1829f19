/**
 * Chat `finish_reason` ⇄ neutral stop reasons, and the completion id a client sees.
 *
 * | Chat finish_reason     | neutral          | back to Chat                                  |
 * | ---------------------- | ---------------- | --------------------------------------------- |
 * | stop                   | end_turn         | end_turn, stop_sequence, pause_turn → stop    |
 * | length                 | max_tokens       | max_tokens → length                           |
 * | tool_calls             | tool_use         | tool_use → tool_calls                         |
 * | function_call (legacy) | tool_use         |                                               |
 * | content_filter         | content_filter   | content_filter, refusal → content_filter      |
 * | (message.refusal set)  | refusal          |                                               |
 * | null / unknown         | end_turn         | error → stop (errors travel as error events)  |
 *
 * Chat does not say which stop string matched, so "stop" is always end_turn. A "stop" that
 * came with tool calls (some compatible servers say so) is tool_use: the client must run them.
 */
import type { StopReason } from "../neutral.ts";

export type ChatFinishReason = "stop" | "length" | "tool_calls" | "content_filter";

export function decodeFinishReason(reason: unknown, sawToolCalls: boolean): StopReason {
  switch (reason) {
    case "length":
      return "max_tokens";
    case "tool_calls":
    case "function_call":
      return "tool_use";
    case "content_filter":
      return "content_filter";
    default:
      return sawToolCalls ? "tool_use" : "end_turn";
  }
}

export function encodeFinishReason(reason: StopReason): ChatFinishReason {
  switch (reason) {
    case "max_tokens":
      return "length";
    case "tool_use":
      return "tool_calls";
    case "refusal":
    case "content_filter":
      return "content_filter";
    default:
      return "stop";
  }
}

/**
 * The `id` of a completion shown to a Chat client: the upstream's when it already is a Chat id,
 * else "chatcmpl-" and the hub's request id (unique per request, so chunks of one stream share it).
 */
export function chatCompletionId(upstreamId: string, requestId: string): string {
  if (upstreamId.startsWith("chatcmpl-")) return upstreamId;
  return `chatcmpl-${requestId.startsWith("req_") ? requestId.slice(4) : requestId}`;
}
