/**
 * `chat.completion` bodies ⇄ the neutral response. Parts come out in the order a Chat message
 * implies (reasoning, text, tool calls): Chat has one content string, so text that the source
 * interleaved with tool calls is joined (blank line between blocks) ahead of the calls.
 */
import type { EncodeContext } from "../types.ts";
import type { Part, Response, StopReason, TextPart, ToolCallPart } from "../neutral.ts";
import { chatCompletionId, decodeFinishReason, encodeFinishReason } from "./finish-reason.ts";
import { parseArguments } from "./request.ts";
import { decodeChatUsage, encodeChatUsage } from "./usage.ts";

type Raw = Record<string, unknown>;

function isObject(value: unknown): value is Raw {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A body that is not a completion (an error envelope, no choices): the caller treats it as a bad upstream answer. */
export class MalformedChatResponse extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MalformedChatResponse";
  }
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  // Some compatible servers answer with content parts.
  if (Array.isArray(content)) {
    return content.map((part) => (isObject(part) && typeof part.text === "string" ? part.text : "")).join("");
  }
  return "";
}

/** A complete `chat.completion` → neutral. Throws MalformedChatResponse for an error body or one without a message. */
export function decodeChatResponse(body: Raw): Response {
  if (body.error !== undefined && body.error !== null) {
    const error = isObject(body.error) ? body.error : { message: String(body.error) };
    throw new MalformedChatResponse(`the upstream answered with an error: ${String(error.message ?? "unknown error")}`);
  }
  const choices = body.choices;
  const choice = Array.isArray(choices) ? choices.find((c) => isObject(c) && (c.index === 0 || c.index === undefined)) : undefined;
  if (!isObject(choice) || !isObject(choice.message)) throw new MalformedChatResponse("the upstream completion has no choices[0].message");
  const message = choice.message;
  const parts: Part[] = [];
  const reasoning = textOf(message.reasoning_content ?? message.reasoning);
  if (reasoning) parts.push({ type: "thinking", text: reasoning, origin: "openai-chat" });
  const content = textOf(message.content);
  if (content) parts.push({ type: "text", text: content });
  const refusal = typeof message.refusal === "string" && message.refusal !== "" ? message.refusal : undefined;
  if (refusal) parts.push({ type: "text", text: refusal });
  const calls: ToolCallPart[] = [];
  if (Array.isArray(message.tool_calls)) {
    message.tool_calls.forEach((call, i) => {
      if (!isObject(call) || !isObject(call.function)) return;
      const fn = call.function;
      const args = typeof fn.arguments === "string" ? fn.arguments : "";
      // An id is the client's key for the result; a server that leaves it out gets one made up.
      const id = typeof call.id === "string" && call.id !== "" ? call.id : `call_${i}`;
      calls.push({ type: "tool_call", id, name: typeof fn.name === "string" ? fn.name : "", input: parseArguments(args) });
    });
  }
  parts.push(...calls);
  let stopReason: StopReason = decodeFinishReason(choice.finish_reason, calls.length > 0);
  if (refusal && stopReason === "end_turn") stopReason = "refusal";
  return {
    id: typeof body.id === "string" ? body.id : "",
    model: typeof body.model === "string" ? body.model : "",
    parts,
    stopReason,
    usage: decodeChatUsage(body.usage),
  };
}

/**
 * Neutral → a `chat.completion`. Thinking text goes in `reasoning_content` (the DeepSeek field
 * Chat clients that show reasoning read; the openai SDK ignores it); signatures have no slot.
 */
export function encodeChatResponse(response: Response, ctx: EncodeContext): Raw {
  let content: string | null = null;
  let reasoning: string | undefined;
  const calls: Raw[] = [];
  for (const part of response.parts) {
    if (part.type === "text") {
      content = joinText(content, part);
    } else if (part.type === "thinking") {
      if (part.text !== "") reasoning = reasoning === undefined ? part.text : `${reasoning}\n\n${part.text}`;
    } else if (part.type === "tool_call") {
      const raw = part.input._raw;
      const args = typeof raw === "string" && Object.keys(part.input).length === 1 ? raw : JSON.stringify(part.input);
      calls.push({ id: part.id, type: "function", function: { name: part.name, arguments: args } });
    }
  }
  const message: Raw = { role: "assistant", content };
  if (reasoning !== undefined) message.reasoning_content = reasoning;
  if (calls.length) message.tool_calls = calls;
  message.refusal = null;
  return {
    id: chatCompletionId(response.id, ctx.requestId),
    object: "chat.completion",
    created: ctx.now,
    model: ctx.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: encodeFinishReason(response.stopReason) }],
    usage: encodeChatUsage(response.usage),
  };
}

/** Text blocks joined with a blank line, as the stream encoder joins them. */
function joinText(sofar: string | null, part: TextPart): string | null {
  if (part.text === "") return sofar;
  return sofar === null || sofar === "" ? part.text : `${sofar}\n\n${part.text}`;
}
