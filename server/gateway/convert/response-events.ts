/**
 * A complete neutral response as the stream events that would have carried it. Used when a
 * streamed request is answered with a plain JSON body (an upstream that ignores `stream`): the
 * client asked for a stream and gets one, in its own grammar.
 */
import type { Response, StreamEvent } from "./neutral.ts";

export function responseEvents(response: Response): StreamEvent[] {
  const events: StreamEvent[] = [{ type: "start", id: response.id, model: response.model }];
  let index = 0;
  for (const part of response.parts) {
    switch (part.type) {
      case "text":
        events.push({ type: "block_start", index, block: { type: "text" } }, { type: "text_delta", index, text: part.text });
        break;
      case "thinking": {
        if (part.redacted) {
          events.push({ type: "block_start", index, block: { type: "redacted_thinking", data: part.redacted } });
          break;
        }
        events.push({ type: "block_start", index, block: { type: "thinking" } });
        if (part.text) events.push({ type: "thinking_delta", index, text: part.text });
        const signature = part.signature ?? part.encrypted;
        if (signature && part.origin) events.push({ type: "signature_delta", index, signature, origin: part.origin });
        break;
      }
      case "tool_call":
        events.push({ type: "block_start", index, block: { type: "tool_call", id: part.id, name: part.name } }, { type: "tool_args_delta", index, json: JSON.stringify(part.input) });
        break;
      default:
        // Requests' parts (images, documents, tool results) never appear in an answer.
        continue;
    }
    events.push({ type: "block_stop", index });
    index++;
  }
  events.push({ type: "finish", stopReason: response.stopReason, stopSequence: response.stopSequence, usage: response.usage });
  return events;
}
