/**
 * The decoder reads content-only chunks without JSON.parse (fastContent); every other chunk,
 * and any other spelling of one, is parsed in full. Both must give the same events.
 */
import { describe, expect, it } from "vitest";
import type { StreamEvent } from "../neutral.ts";
import { createChatStreamDecoder } from "./stream-decoder.ts";

const HEAD = '"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m"';
const first = `data: {${HEAD},"choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}\n\n`;
const last =
  `data: {${HEAD},"choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]}\n\n` +
  `data: {${HEAD},"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}\n\ndata: [DONE]\n\n`;

function decode(chunks: string[]): StreamEvent[] {
  const decoder = createChatStreamDecoder();
  return [...decoder.push(Buffer.from(first + chunks.map((c) => `data: ${c}\n\n`).join("") + last)), ...decoder.end()];
}

const VALUE = 'plain, "quoted" \\ and\nnew — ünï 😀 "choices":[{"index":0,"delta":{"content":"x"}}]';

describe("Chat stream decoder: content chunks read without JSON.parse", () => {
  it.each([
    ["OpenAI's wording", `{${HEAD},"choices":[{"index":0,"delta":{"content":${JSON.stringify(VALUE)}},"logprobs":null,"finish_reason":null}],"usage":null,"obfuscation":"abc"}`],
    ["no logprobs", `{${HEAD},"choices":[{"index":0,"delta":{"content":${JSON.stringify(VALUE)}},"finish_reason":null}]}`],
  ])("gives for %s what JSON.parse gives for other spellings", (_, chunk) => {
    const spaced = JSON.stringify(JSON.parse(chunk), null, 1).replace(/\n/g, " ");
    const expected = decode([spaced]);
    expect(expected.filter((e) => e.type === "text_delta")).toEqual([{ type: "text_delta", index: 0, text: VALUE }]);
    expect(decode([chunk])).toEqual(expected);
  });

  it("parses a content chunk that also carries usage, an error, a finish reason or a second choice", () => {
    const usage = `{${HEAD},"choices":[{"index":0,"delta":{"content":"a"},"logprobs":null,"finish_reason":null}],"usage":{"prompt_tokens":7,"completion_tokens":1,"total_tokens":8}}`;
    // The usage of this chunk is the only one: the stream ends with a finish reason and [DONE].
    const decoder = createChatStreamDecoder();
    const stream = `${first}data: ${usage}\n\ndata: {${HEAD},"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n`;
    const events = [...decoder.push(Buffer.from(stream)), ...decoder.end()];
    expect(events.filter((e) => e.type === "text_delta")).toEqual([{ type: "text_delta", index: 0, text: "a" }]);
    expect(events.at(-1)).toMatchObject({ type: "finish", usage: { inputTokens: 7, outputTokens: 1 } });

    const error = `{${HEAD},"choices":[{"index":0,"delta":{"content":"a"},"logprobs":null,"finish_reason":null}],"error":{"message":"boom","type":"server_error"}}`;
    expect(decode([error]).at(-1)).toEqual({ type: "error", errorType: "server_error", message: "boom" });

    const finish = `{${HEAD},"choices":[{"index":0,"delta":{"content":"a"},"logprobs":null,"finish_reason":"length"}]}`;
    expect(decode([finish]).at(-1)).toMatchObject({ type: "finish", stopReason: "max_tokens" });

    const reasoning = `{${HEAD},"choices":[{"index":0,"delta":{"content":"a","reasoning_content":"hm"},"logprobs":null,"finish_reason":null}]}`;
    expect(decode([reasoning]).filter((e) => e.type === "thinking_delta")).toEqual([{ type: "thinking_delta", index: 0, text: "hm" }]);
  });
});
