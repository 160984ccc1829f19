/**
 * Responses JSON answers ⇄ the neutral response.
 *
 * Stop reasons (both directions; the Responses API has no stop reason, it is read from the
 * status and the output):
 *   status completed + a function_call item        ⇄ tool_use
 *   status completed + a refusal content part      → refusal   (refusal → completed)
 *   status completed otherwise                     ⇄ end_turn  (stop_sequence, pause_turn → completed)
 *   status incomplete, reason max_output_tokens    ⇄ max_tokens
 *   status incomplete, reason content_filter       ⇄ content_filter
 *   status failed / cancelled                      ⇄ error
 */
import type { Part, Response, StopReason, ThinkingPart, ToolCallPart } from "../neutral.ts";
import type { EncodeContext } from "../types.ts";
import { isObject } from "./content.ts";
import { itemId, responseId } from "./ids.ts";
import { encryptedContentFor, thinkingFromItem } from "./reasoning.ts";
import { parseArguments } from "./request.ts";
import { decodeUsage, encodeUsage } from "./usage.ts";

type Raw = Record<string, unknown>;

function text(value: unknown): string {
  return typeof value === "string" ? value : "";
}

/** The summary texts of a reasoning item joined, or its raw reasoning text when it has no summary. */
export function reasoningText(item: Raw): string {
  const pieces = Array.isArray(item.summary) ? item.summary.filter(isObject).map((s) => text(s.text)) : [];
  if (pieces.length === 0 && Array.isArray(item.content)) return item.content.filter(isObject).map((c) => text(c.text)).join("");
  return pieces.join("\n\n");
}

/** Stop reason of a finished response (see the table above). */
export function stopReasonOf(status: unknown, incompleteReason: unknown, sawToolCall: boolean, sawRefusal: boolean): StopReason {
  if (status === "incomplete") return incompleteReason === "content_filter" ? "content_filter" : "max_tokens";
  if (status === "failed" || status === "cancelled") return "error";
  if (sawToolCall) return "tool_use";
  return sawRefusal ? "refusal" : "end_turn";
}

/** An upstream's complete Responses object → neutral. */
export function decodeResponsesResponse(body: Record<string, unknown>): Response {
  const parts: Part[] = [];
  let sawToolCall = false;
  let sawRefusal = false;
  const output = Array.isArray(body.output) ? body.output : [];
  for (const item of output) {
    if (!isObject(item)) continue;
    switch (item.type) {
      case "reasoning":
        parts.push(thinkingFromItem(reasoningText(item), typeof item.id === "string" ? item.id : undefined, typeof item.encrypted_content === "string" ? item.encrypted_content : undefined));
        break;
      case "message":
        for (const part of Array.isArray(item.content) ? item.content : []) {
          if (!isObject(part)) continue;
          if (part.type === "output_text") parts.push({ type: "text", text: text(part.text) });
          else if (part.type === "refusal") {
            sawRefusal = true;
            parts.push({ type: "text", text: text(part.refusal) });
          }
        }
        break;
      case "function_call":
        sawToolCall = true;
        parts.push({ type: "tool_call", id: text(item.call_id), name: text(item.name), input: parseArguments(text(item.arguments)) });
        break;
      case "custom_tool_call":
        sawToolCall = true;
        parts.push({ type: "tool_call", id: text(item.call_id), name: text(item.name), input: { input: text(item.input) } });
        break;
      // Built-in tool items (web_search_call…) cannot occur: converted requests carry no built-in tools.
    }
  }
  const incomplete = isObject(body.incomplete_details) ? body.incomplete_details.reason : undefined;
  return {
    id: text(body.id),
    model: text(body.model),
    parts,
    stopReason: stopReasonOf(body.status, incomplete, sawToolCall, sawRefusal),
    usage: decodeUsage(body.usage),
  };
}

// ---------------------------------------------------------------------------------------------
// encode

/** Status, incomplete_details and error of a response that stopped for `stopReason`. */
export function outcomeOf(stopReason: StopReason): { status: string; incomplete: Raw | null; error: Raw | null } {
  if (stopReason === "max_tokens") return { status: "incomplete", incomplete: { reason: "max_output_tokens" }, error: null };
  if (stopReason === "content_filter") return { status: "incomplete", incomplete: { reason: "content_filter" }, error: null };
  if (stopReason === "error") return { status: "failed", incomplete: null, error: { code: "server_error", message: "the upstream ended the response with an error" } };
  return { status: "completed", incomplete: null, error: null };
}

export function messageItem(id: string, content: string, status: string): Raw {
  return { id, type: "message", status, content: [{ type: "output_text", annotations: [], logprobs: [], text: content }], role: "assistant" };
}

export function reasoningItem(id: string, summary: string | undefined, encrypted: string | undefined): Raw {
  const item: Raw = { id, type: "reasoning", summary: summary === undefined ? [] : [{ type: "summary_text", text: summary }] };
  if (encrypted !== undefined) item.encrypted_content = encrypted;
  return item;
}

export function functionCallItem(id: string, callId: string, name: string, args: string, status: string): Raw {
  return { id, type: "function_call", status, arguments: args, call_id: callId, name };
}

/** The request-echo members of a response object: the converted request is not known here, so defaults. */
export function responseShell(id: string, ctx: EncodeContext, status: string): Raw {
  return {
    id,
    object: "response",
    created_at: ctx.now,
    status,
    background: false,
    error: null,
    incomplete_details: null,
    instructions: null,
    max_output_tokens: null,
    model: ctx.model,
    output: [],
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    store: false,
    temperature: null,
    text: { format: { type: "text" } },
    tool_choice: "auto",
    tools: [],
    top_p: null,
    truncation: "disabled",
    usage: null,
    metadata: {},
  };
}

function thinkingItem(part: ThinkingPart, id: string): Raw {
  // A Responses reasoning item always has its summary list; thinking text becomes one summary entry.
  return reasoningItem(part.origin === "openai-responses" && part.itemId ? part.itemId : id, part.text ? part.text : undefined, encryptedContentFor(part));
}

function argumentsOf(call: ToolCallPart): string {
  const keys = Object.keys(call.input);
  return keys.length === 1 && keys[0] === "_raw" && typeof call.input._raw === "string" ? call.input._raw : JSON.stringify(call.input);
}

/** Neutral → the Responses object the openai SDK and Codex read. */
export function encodeResponsesResponse(response: Response, ctx: EncodeContext): Record<string, unknown> {
  const output: Raw[] = [];
  let n = 0;
  for (const part of response.parts) {
    if (part.type === "text") {
      // Consecutive text parts are one message with several output_text parts, as OpenAI writes them.
      const last = output[output.length - 1];
      const content = { type: "output_text", annotations: [], logprobs: [], text: part.text };
      if (last && last.type === "message") (last.content as Raw[]).push(content);
      else output.push({ ...messageItem(itemId("msg", ctx.requestId, n++), "", "completed"), content: [content] });
    } else if (part.type === "thinking") {
      output.push(thinkingItem(part, itemId("rs", ctx.requestId, n++)));
    } else if (part.type === "tool_call") {
      output.push(functionCallItem(itemId("fc", ctx.requestId, n++), part.id, part.name, argumentsOf(part), "completed"));
    }
    // tool_result, image and document parts are request-side only.
  }
  const { status, incomplete, error } = outcomeOf(response.stopReason);
  const body = responseShell(responseId(response.id, ctx.requestId), ctx, status);
  body.error = error;
  body.incomplete_details = incomplete;
  body.output = output;
  body.usage = encodeUsage(response.usage);
  return body;
}

