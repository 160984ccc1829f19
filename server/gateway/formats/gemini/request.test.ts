import { describe, expect, it } from "vitest";
import { matchRoute } from "../../endpoints.ts";
import { GatewayError } from "../../errors.ts";
import { withoutApiKey, withoutQueryParam } from "./query.ts";
import { prepareGeminiUpstream, readGeminiRequest, withPathModel } from "./request.ts";

const route = (path: string) => matchRoute("POST", path)!;
const body = Buffer.from(JSON.stringify({ contents: [{ role: "user", parts: [{ text: "hi" }] }], generationConfig: { maxOutputTokens: 512, temperature: 1 } }));

describe("reading a Gemini request", () => {
  it("takes model and streaming from the path, max tokens from generationConfig", () => {
    const info = readGeminiRequest(body, route("/v1beta/models/gemini-2.5-flash:streamGenerateContent"));
    expect(info).toMatchObject({ model: "gemini-2.5-flash", stream: true, maxTokens: 512, hints: {} });
    expect(readGeminiRequest(body, route("/v1beta/models/gemini-2.5-pro:generateContent"))).toMatchObject({ model: "gemini-2.5-pro", stream: false });
    expect(readGeminiRequest(Buffer.from("{}"), route("/v1beta/models/gemini-2.5-pro:countTokens"))).toMatchObject({
      model: "gemini-2.5-pro",
      stream: false,
      maxTokens: undefined,
    });
  });

  it("records the range of contents as the conversation (for a derived session id)", () => {
    const info = readGeminiRequest(body, route("/v1beta/models/m:generateContent"));
    const range = info.ranges.get("conversation")!;
    expect(JSON.parse(body.toString("utf8", range.start, range.end))).toEqual([{ role: "user", parts: [{ text: "hi" }] }]);
  });

  it("decodes an escaped model in the path", () => {
    expect(readGeminiRequest(body, route("/v1beta/models/my%20model:generateContent")).model).toBe("my model");
  });

  it("ignores a generationConfig without a numeric maxOutputTokens", () => {
    const odd = Buffer.from('{"generationConfig":{"maxOutputTokens":"many"},"contents":[]}');
    expect(readGeminiRequest(odd, route("/v1beta/models/m:generateContent")).maxTokens).toBeUndefined();
    expect(readGeminiRequest(Buffer.from('{"generationConfig":null}'), route("/v1beta/models/m:generateContent")).maxTokens).toBeUndefined();
  });

  it("refuses a body that is not one JSON object with invalid_request", () => {
    for (const bad of ['{"contents": [', "[1,2]", "", "null", '{"a":1} trailing']) {
      expect(() => readGeminiRequest(Buffer.from(bad), route("/v1beta/models/m:generateContent"))).toThrow(GatewayError);
      try {
        readGeminiRequest(Buffer.from(bad), route("/v1beta/models/m:generateContent"));
      } catch (error) {
        expect((error as GatewayError).kind).toBe("invalid_request");
      }
    }
  });
});

describe("preparing the upstream Gemini request", () => {
  const r = route("/v1beta/models/gemini-2.5-flash:streamGenerateContent");
  const info = readGeminiRequest(body, r);

  it("keeps path, query and body when the model is not redirected", () => {
    const up = prepareGeminiUpstream({ route: r, search: "?alt=sse", body, info, model: "gemini-2.5-flash" });
    expect(up).toEqual({ path: "/v1beta/models/gemini-2.5-flash:streamGenerateContent", search: "?alt=sse", body, usageInjected: false });
    expect(up.body).toBe(body);
  });

  it("rewrites only the model segment of the path on a redirect; the body is untouched", () => {
    const up = prepareGeminiUpstream({ route: r, search: "?alt=sse", body, info, model: "gemini-2.5-pro" });
    expect(up.path).toBe("/v1beta/models/gemini-2.5-pro:streamGenerateContent");
    expect(up.body).toBe(body);
    expect(withPathModel("/v1beta/models/a:countTokens", "b c/d")).toBe("/v1beta/models/b%20c%2Fd:countTokens");
  });

  it("removes the caller's key= and keeps every other parameter as it was", () => {
    const cases: Array<[string, string]> = [
      ["?key=sk-hub&alt=sse", "?alt=sse"],
      ["?alt=sse&key=sk-hub", "?alt=sse"],
      ["?key=sk-hub", ""],
      ["?alt=sse&%6Bey=sk-hub&$fields=candidates", "?alt=sse&$fields=candidates"],
      ["?alt=sse&key", "?alt=sse"],
      ["?keyring=1&monkey=2&alt=sse", "?keyring=1&monkey=2&alt=sse"],
      ["?a=%20b&&c", "?a=%20b&c"],
      ["", ""],
      ["?", ""],
    ];
    for (const [search, expected] of cases) {
      expect(prepareGeminiUpstream({ route: r, search, body, info, model: "gemini-2.5-flash" }).search).toBe(expected);
    }
    expect(withoutApiKey("?alt=sse")).toBe("?alt=sse");
    expect(withoutQueryParam("?x=1&y=2&x=3", "x")).toBe("?y=2");
  });
});
