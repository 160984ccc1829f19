/**
 * Claude Code's "Warmup" requests: at start-up (and for each sub-agent) it sends a message whose
 * only user turn is the text "Warmup", to prime the prompt cache. When the system setting asks
 * for it, the hub answers them itself (steps/intercept-warmup.ts): no provider, no quota, no
 * cost. The answer is a complete, well-formed Messages response, as JSON or as an SSE stream.
 */
import { randomBytes } from "node:crypto";

const WARMUP_TEXT = "Warmup";
const REPLY_TEXT = "I'm ready to help.";

function textOf(content: unknown): string | undefined {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return undefined;
  let text = "";
  for (const block of content) {
    if (!block || typeof block !== "object" || (block as { type?: unknown }).type !== "text") return undefined;
    text += String((block as { text?: unknown }).text ?? "");
  }
  return text;
}

/** True for a Messages request body whose only message is the user text "Warmup". */
export function isClaudeWarmup(body: Buffer): boolean {
  // Cheap test first: nearly every request is not a warm-up, and parsing a 100 KB body is not free.
  if (!body.includes(`"${WARMUP_TEXT}"`)) return false;
  let parsed: { messages?: unknown };
  try {
    parsed = JSON.parse(body.toString("utf8")) as { messages?: unknown };
  } catch {
    return false;
  }
  const messages = parsed.messages;
  if (!Array.isArray(messages) || messages.length !== 1) return false;
  const only = messages[0] as { role?: unknown; content?: unknown } | null;
  return only?.role === "user" && textOf(only.content)?.trim() === WARMUP_TEXT;
}

function message(model: string) {
  return {
    id: `msg_${randomBytes(12).toString("hex")}`,
    type: "message",
    role: "assistant",
    model,
    content: [] as Array<{ type: "text"; text: string }>,
    stop_reason: null as string | null,
    stop_sequence: null,
    usage: { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
  };
}

export function claudeWarmupJson(model: string): string {
  const reply = message(model);
  reply.content = [{ type: "text", text: REPLY_TEXT }];
  reply.stop_reason = "end_turn";
  return JSON.stringify(reply);
}

/** The same answer as the event sequence of a Messages stream. */
export function claudeWarmupStream(model: string): string {
  const event = (type: string, data: object) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  return [
    event("message_start", { message: message(model) }),
    event("content_block_start", { index: 0, content_block: { type: "text", text: "" } }),
    event("content_block_delta", { index: 0, delta: { type: "text_delta", text: REPLY_TEXT } }),
    event("content_block_stop", { index: 0 }),
    event("message_delta", { delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: 0 } }),
    event("message_stop", {}),
  ].join("");
}
