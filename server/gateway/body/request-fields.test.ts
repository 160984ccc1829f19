import { describe, expect, it } from "vitest";
import { GatewayError } from "../errors.ts";
import { requestField, scanRequestBody } from "./request-fields.ts";

const fields = new Set(["model"]);

describe("request fields", () => {
  it("reports a malformed body as the client's error", () => {
    expect(() => scanRequestBody(Buffer.from('{"model": "x",'), fields)).toThrow(GatewayError);
    expect(() => scanRequestBody(Buffer.from('{"model": "x",'), fields)).toThrow(/The request body is not valid JSON/);
  });

  it("reports a bad escape inside a parsed field as the client's error, naming the field", () => {
    const body = Buffer.from('{"model": "a\\q"}');
    const ranges = scanRequestBody(body, fields); // the scanner skips string contents
    let thrown: unknown;
    try {
      requestField(body, ranges.get("model"), "model");
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(GatewayError);
    expect(thrown).toMatchObject({ kind: "invalid_request", status: 400, message: "model: not valid JSON" });
  });

  it("parses good fields and leaves absent ones undefined", () => {
    const body = Buffer.from('{"model": "claude-sonnet-4-5", "messages": []}');
    const ranges = scanRequestBody(body, fields);
    expect(requestField(body, ranges.get("model"), "model")).toBe("claude-sonnet-4-5");
    expect(requestField(body, ranges.get("stream"), "stream")).toBeUndefined();
  });
});
