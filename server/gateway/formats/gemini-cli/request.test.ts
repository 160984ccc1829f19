import { describe, expect, it } from "vitest";
import { matchRoute } from "../../endpoints.ts";
import { GatewayError } from "../../errors.ts";
import { NESTED_MODEL, prepareCodeAssistUpstream, readCodeAssistRequest } from "./request.ts";

const route = (path: string) => matchRoute("POST", path)!;
const wrapped = {
  model: "gemini-2.5-pro",
  project: "proj-1",
  user_prompt_id: "p1",
  request: {
    contents: [{ role: "user", parts: [{ text: 'hi "there"' }] }],
    generationConfig: { maxOutputTokens: 2048, thinkingConfig: { includeThoughts: true } },
    session_id: "sess-42",
  },
};
const body = Buffer.from(JSON.stringify(wrapped));

describe("reading a Code Assist request", () => {
  it("takes the model from the wrapper, streaming from the path, and the session id and max tokens from the inner request", () => {
    const info = readCodeAssistRequest(body, route("/v1internal:streamGenerateContent"));
    expect(info).toMatchObject({ model: "gemini-2.5-pro", stream: true, maxTokens: 2048, hints: { session_id: "sess-42" } });
    expect(readCodeAssistRequest(body, route("/v1internal:generateContent")).stream).toBe(false);
  });

  it("records the inner contents as the conversation, as an absolute range", () => {
    const range = readCodeAssistRequest(body, route("/v1internal:generateContent")).ranges.get("conversation")!;
    expect(JSON.parse(body.toString("utf8", range.start, range.end))).toEqual(wrapped.request.contents);
  });

  it("reads countTokens' model from request.model without its models/ prefix", () => {
    const count = Buffer.from(JSON.stringify({ request: { model: "models/gemini-2.5-flash", contents: [] } }));
    const info = readCodeAssistRequest(count, route("/v1internal:countTokens"));
    expect(info.model).toBe("gemini-2.5-flash");
    expect(info.ranges.has(NESTED_MODEL)).toBe(true);
  });

  it("needs no model for housekeeping methods", () => {
    const info = readCodeAssistRequest(Buffer.from('{"metadata":{"ideType":"IDE_UNSPECIFIED","pluginType":"GEMINI"}}'), route("/v1internal:loadCodeAssist"));
    expect(info).toMatchObject({ model: undefined, stream: false, maxTokens: undefined, hints: {} });
  });

  it("refuses malformed JSON and a non-string model with invalid_request", () => {
    for (const bad of ['{"model":"x","request":{', '{"model":7,"request":{}}', '{"request":{"model":["m"]}}']) {
      let caught: unknown;
      try {
        readCodeAssistRequest(Buffer.from(bad), route("/v1internal:generateContent"));
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(GatewayError);
      expect((caught as GatewayError).kind).toBe("invalid_request");
    }
  });
});

describe("preparing the upstream Code Assist request", () => {
  const r = route("/v1internal:streamGenerateContent");
  const info = readCodeAssistRequest(body, r);

  it("sends the same bytes when the model is not redirected, without the caller's key=", () => {
    const up = prepareCodeAssistUpstream({ route: r, search: "?alt=sse&key=sk-hub", body, info, model: "gemini-2.5-pro" });
    expect(up).toEqual({ path: "/v1internal:streamGenerateContent", search: "?alt=sse", body, usageInjected: false });
  });

  it("rewrites only the wrapper's model on a redirect", () => {
    const up = prepareCodeAssistUpstream({ route: r, search: "?alt=sse", body, info, model: "gemini-2.5-flash" });
    expect(JSON.parse(up.body.toString())).toEqual({ ...wrapped, model: "gemini-2.5-flash" });
    expect(up.path).toBe("/v1internal:streamGenerateContent");
  });

  it("rewrites countTokens' request.model, keeping the models/ prefix", () => {
    const cr = route("/v1internal:countTokens");
    const count = Buffer.from('{"request": {"contents": [], "model": "models/gemini-2.5-flash"}}');
    const up = prepareCodeAssistUpstream({ route: cr, search: "", body: count, info: readCodeAssistRequest(count, cr), model: "gemini-2.5-pro" });
    expect(up.body.toString()).toBe('{"request": {"contents": [], "model": "models/gemini-2.5-pro"}}');
  });
});
