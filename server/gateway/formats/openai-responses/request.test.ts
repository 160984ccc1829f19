import { describe, expect, it } from "vitest";
import type { GatewayRoute } from "../../endpoints.ts";
import { GatewayError } from "../../errors.ts";
import { prepareOpenAiResponsesUpstream, readOpenAiResponsesRequest } from "./request.ts";

const route: GatewayRoute = { format: "openai-responses", kind: "generate", path: "/v1/responses" };
const INPUT = '"input":[{"type":"message","role":"user","content":[{"type":"input_text","text":"\\"model\\":\\"x\\""}]}]';

describe("reading a Responses request", () => {
  it("reads model, stream, the output cap and the session hints Codex sends", () => {
    const info = readOpenAiResponsesRequest(
      Buffer.from(`{"model":"gpt-5",${INPUT},"stream":true,"store":false,"max_output_tokens":4096,"prompt_cache_key":"0199-thread","metadata":{"a":"b"},"include":["reasoning.encrypted_content"]}`),
    );
    expect(info).toMatchObject({
      model: "gpt-5",
      stream: true,
      maxTokens: 4096,
      hints: { prompt_cache_key: "0199-thread", store: false, metadata: { a: "b" } },
    });
    const chained = readOpenAiResponsesRequest(Buffer.from(`{"model":"gpt-5",${INPUT},"previous_response_id":"resp_1"}`));
    expect(chained).toMatchObject({ stream: false, maxTokens: undefined, hints: { previous_response_id: "resp_1" } });
  });

  it("records the range of input as the conversation (for a derived session id)", () => {
    const text = `{"model":"gpt-5",${INPUT}}`;
    const range = readOpenAiResponsesRequest(Buffer.from(text)).ranges.get("conversation")!;
    expect(text.slice(range.start, range.end)).toBe(INPUT.slice('"input":'.length));
  });

  it("rejects a body that is not JSON as the client's error", () => {
    expect(() => readOpenAiResponsesRequest(Buffer.from('{"model":"gpt-5","input":['))).toThrow(GatewayError);
    expect(() => readOpenAiResponsesRequest(Buffer.from('{"model":["gpt-5"]}'))).toThrow(/model: must be a string/);
  });
});

describe("preparing the upstream request", () => {
  it("sends the same bytes, with only the model replaced on a redirect, and injects nothing", () => {
    const text = `{"model" : "gpt-5",${INPUT},"stream":true}`;
    const body = Buffer.from(text);
    const info = readOpenAiResponsesRequest(body);
    const same = prepareOpenAiResponsesUpstream({ route, search: "", body, info, model: "gpt-5" });
    expect(same.body).toBe(body);
    expect(same).toMatchObject({ path: "/v1/responses", usageInjected: false });
    const redirected = prepareOpenAiResponsesUpstream({ route, search: "?x=1", body, info, model: "gpt-5-codex" });
    expect(redirected.body.toString()).toBe(`{"model" : "gpt-5-codex",${INPUT},"stream":true}`);
    expect(redirected.search).toBe("?x=1");
  });
});
