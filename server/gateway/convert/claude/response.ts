/**
 * Anthropic Message responses ⇄ the neutral response: decodeResponse reads an Anthropic
 * upstream's answer, encodeResponse renders a converted answer for a Claude client.
 */
import type { Part, Response, ThinkingPart } from "../neutral.ts";
import type { EncodeContext } from "../types.ts";
import { carryCallSignature, carryReasoning } from "./carried.ts";
import { isObject, type Json } from "./content.ts";
import { decodeClaudeUsage, decodeStopReason, encodeClaudeUsage, encodeStopReason } from "./usage.ts";

/** An Anthropic upstream's 2xx body that is not a Message (the gateway checks for errors first). */
export class NotAClaudeMessage extends Error {
  constructor() {
    super("the upstream answered with a body that is not an Anthropic Message");
    this.name = "NotAClaudeMessage";
  }
}

export function decodeClaudeResponse(body: Json): Response {
  if (!Array.isArray(body.content)) throw new NotAClaudeMessage();
  const parts: Part[] = [];
  for (const block of body.content) {
    if (!isObject(block)) continue;
    switch (block.type) {
      case "text":
        if (typeof block.text === "string") parts.push({ type: "text", text: block.text });
        break;
      case "thinking": {
        const part: ThinkingPart = { type: "thinking", text: typeof block.thinking === "string" ? block.thinking : "", origin: "claude" };
        if (typeof block.signature === "string" && block.signature !== "") part.signature = block.signature;
        parts.push(part);
        break;
      }
      case "redacted_thinking":
        if (typeof block.data === "string") parts.push({ type: "thinking", text: "", redacted: block.data, origin: "claude" });
        break;
      case "tool_use":
        if (typeof block.id === "string" && typeof block.name === "string") {
          parts.push({ type: "tool_call", id: block.id, name: block.name, input: isObject(block.input) ? block.input : {} });
        }
        break;
      // server_tool_use, web_search_tool_result…: Anthropic ran those tools itself; the answer
      // is in the text blocks around them, and no other format can show them.
    }
  }
  const response: Response = {
    id: typeof body.id === "string" ? body.id : "",
    model: typeof body.model === "string" ? body.model : "",
    parts,
    stopReason: decodeStopReason(body.stop_reason),
    usage: decodeClaudeUsage(body.usage),
  };
  if (typeof body.stop_sequence === "string") response.stopSequence = body.stop_sequence;
  return response;
}

/** A Messages id for an answer whose upstream gave none. */
export function claudeMessageId(requestId: string): string {
  return `msg_${requestId.replace(/[^a-zA-Z0-9_-]/g, "")}`;
}

/**
 * A neutral part as response content blocks. Reasoning from another vendor is shown with its
 * tokens carried in the signature (carried.ts), or an empty one; reasoning with neither text nor
 * tokens is left out. A tool call's Gemini signature follows it in a thinking block.
 */
function pushResponsePart(content: Json[], part: Part): void {
  switch (part.type) {
    case "text":
      content.push({ type: "text", text: part.text });
      break;
    case "thinking": {
      if (part.origin === "claude" && part.redacted !== undefined) content.push({ type: "redacted_thinking", data: part.redacted });
      else if (part.origin === "claude" && part.signature) content.push({ type: "thinking", thinking: part.text, signature: part.signature });
      else {
        const carried = carryReasoning(part);
        if (carried !== undefined || part.text !== "") content.push({ type: "thinking", thinking: part.text, signature: carried ?? "" });
      }
      break;
    }
    case "tool_call":
      content.push({ type: "tool_use", id: part.id, name: part.name, input: part.input });
      if (part.signature) content.push({ type: "thinking", thinking: "", signature: carryCallSignature(part.signature) });
      break;
    // Responses hold text, thinking and tool calls only.
  }
}

export function encodeClaudeResponse(response: Response, ctx: EncodeContext): Json {
  const content: Json[] = [];
  for (const part of response.parts) pushResponsePart(content, part);
  return {
    id: response.id || claudeMessageId(ctx.requestId),
    type: "message",
    role: "assistant",
    model: ctx.model,
    content,
    stop_reason: encodeStopReason(response.stopReason),
    stop_sequence: response.stopSequence ?? null,
    usage: encodeClaudeUsage(response.usage),
  };
}
