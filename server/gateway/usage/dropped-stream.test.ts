import { describe, expect, it } from "vitest";
import { emptySummary } from "../formats/summary.ts";
import { generatedBytesOf } from "../streaming/generated-bytes.ts";
import { countedRequestBytes, droppedStreamUsage } from "./dropped-stream.ts";

describe("the estimate of a dropped stream", () => {
  it("counts generated text by what it stands for, not by its JSON escapes", () => {
    const event = Buffer.from('data: {"choices":[{"delta":{"content":"a\\nb\\u4f60","reasoning_content":null}}]}\n\n');
    expect(generatedBytesOf(event, ["content", "reasoning_content"])).toBe(1 + 1 + 1 + 3);
  });

  it("leaves inline base64 data out of the request's size", () => {
    const image = "A".repeat(100_000);
    const body = Buffer.from(JSON.stringify({ messages: [{ role: "user", content: [{ type: "text", text: "what is this?" }, { type: "image", source: { data: image } }] }] }));
    expect(countedRequestBytes(body)).toBe(body.length - image.length);
  });

  it("keeps every side the upstream reported and estimates only the missing one", () => {
    const summary = emptySummary();
    summary.usage.cacheReadTokens = 900;
    summary.usage.outputTokens = 1;
    summary.generatedBytes = 400;
    const result = droppedStreamUsage(summary, Buffer.from("x".repeat(4000)));
    expect(result?.usage).toMatchObject({ cacheReadTokens: 900, inputTokens: 0, outputTokens: 100 });
    expect(result?.estimate).toMatchObject({ input: "reported", output: "estimated_from_stream" });
  });

  it("estimates nothing when the upstream's report already covers both sides", () => {
    const summary = emptySummary();
    summary.usage.inputTokens = 10;
    summary.usage.outputTokens = 500;
    summary.generatedBytes = 400;
    expect(droppedStreamUsage(summary, Buffer.from("{}"))).toBeUndefined();
  });
});
