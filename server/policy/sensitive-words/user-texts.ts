/**
 * The text a user sends, per wire format: every message's text parts and the system prompt.
 * Parsed from the whole body (JSON.parse), which the gateway does only when sensitive words are
 * configured. Tool definitions, images and other non-text parts are not user text and are skipped;
 * tool results are included, since what a user pastes often reaches the model that way.
 *
 * Lenient like the formats' readers: a field of an unexpected shape contributes nothing rather
 * than failing the request (the upstream judges the request's validity).
 */
import type { ApiFormat } from "../../gateway/formats/types.ts";

type Json = unknown;

function isObject(value: Json): value is Record<string, Json> {
  return !!value && typeof value === "object" && !Array.isArray(value);
}

/**
 * Anthropic and OpenAI content: a string, or parts with a `text` (text, input_text, output_text)
 * and tool results whose own content is a string or parts again. Depth is bounded by the body's
 * nesting, which JSON.parse already bounds.
 */
function collectContent(content: Json, out: string[]): void {
  if (typeof content === "string") {
    out.push(content);
    return;
  }
  if (!Array.isArray(content)) return;
  for (const part of content) {
    if (typeof part === "string") out.push(part);
    else if (isObject(part)) {
      if (typeof part.text === "string") out.push(part.text);
      if (part.content !== undefined) collectContent(part.content, out);
      // OpenAI Responses: function_call_output items carry their text in `output`.
      if (typeof part.output === "string") out.push(part.output);
    }
  }
}

function collectMessages(messages: Json, out: string[]): void {
  if (!Array.isArray(messages)) return;
  for (const message of messages) {
    if (typeof message === "string") out.push(message);
    else if (isObject(message)) {
      collectContent(message.content, out);
      if (typeof message.output === "string") out.push(message.output);
    }
  }
}

/** Gemini: contents[].parts[].text and systemInstruction.parts[].text. */
function collectGemini(request: Json, out: string[]): void {
  if (!isObject(request)) return;
  const parts = (holder: Json) => {
    if (!isObject(holder) || !Array.isArray(holder.parts)) return;
    for (const part of holder.parts) if (isObject(part) && typeof part.text === "string") out.push(part.text);
  };
  const system = request.systemInstruction ?? request.system_instruction;
  if (typeof system === "string") out.push(system);
  else parts(system);
  if (Array.isArray(request.contents)) for (const c of request.contents) parts(c);
}

/** The texts of a parsed request body in this format. */
export function userTexts(format: ApiFormat, body: Json): string[] {
  const out: string[] = [];
  if (!isObject(body)) return out;
  switch (format) {
    case "claude":
      collectContent(body.system, out);
      collectMessages(body.messages, out);
      break;
    case "openai-chat":
      collectMessages(body.messages, out);
      break;
    case "openai-responses":
      if (typeof body.instructions === "string") out.push(body.instructions);
      if (typeof body.input === "string") out.push(body.input);
      else collectMessages(body.input, out);
      break;
    case "gemini":
      collectGemini(body, out);
      break;
    case "gemini-cli":
      collectGemini(body.request, out);
      break;
  }
  return out;
}
