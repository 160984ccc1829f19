/**
 * The gateway's routes: which wire format a path speaks, and how the request is treated.
 * The format comes from the endpoint, never from guessing at the body.
 */
import type { ApiFormat } from "./formats/types.ts";
import { boundedModel, RequestRejected } from "./limits/input-bounds.ts";

export interface GatewayRoute {
  format: ApiFormat;
  /**
   * "generate" requests are billed, rate limited and count toward breakers. "passthrough"
   * requests (count_tokens, Code Assist housekeeping) are forwarded as they are: not billed and
   * not counted toward breakers, but held to the caller's limits like any request.
   */
  kind: "generate" | "passthrough";
  /** Normalised path (without query string) as sent upstream. */
  path: string;
  /** The model named in the path (Gemini: /v1beta/models/{model}:…). */
  model?: string;
  /** The operation in the path decides streaming (Gemini: :streamGenerateContent). */
  stream?: boolean;
}

const GEMINI_METHOD = /^\/v1beta\/models\/([^/:]+):(generateContent|streamGenerateContent|countTokens)$/;
const CODE_ASSIST_METHOD = /^\/v1internal:([A-Za-z]+)$/;

/**
 * The model segment of a Gemini path, decoded. A malformed percent escape, or a model over its
 * limit or with a control character (input-bounds.ts), is the client's 400 in Gemini's envelope (thrown as RequestRejected: the router has no
 * request context yet when it matches the route).
 */
function geminiPathModel(segment: string): string {
  let model: string;
  try {
    model = decodeURIComponent(segment);
  } catch {
    throw new RequestRejected("gemini", "invalid_request", "The model in the path has a malformed percent escape.");
  }
  try {
    return boundedModel(model, "The model in the path");
  } catch (error) {
    throw new RequestRejected("gemini", "invalid_request", (error as Error).message);
  }
}

/** The route of `path`, or undefined; throws RequestRejected for a Gemini path with a bad model segment. */
export function matchRoute(method: string, path: string): GatewayRoute | undefined {
  if (method !== "POST") return undefined;
  switch (path) {
    case "/v1/messages":
      return { format: "claude", kind: "generate", path };
    case "/v1/messages/count_tokens":
      return { format: "claude", kind: "passthrough", path };
    case "/v1/chat/completions":
      return { format: "openai-chat", kind: "generate", path };
    case "/v1/responses":
      return { format: "openai-responses", kind: "generate", path };
    case "/v1/responses/compact":
      // Compaction runs the model over the whole conversation and reports usage: billed.
      return { format: "openai-responses", kind: "generate", path };
  }
  const gemini = GEMINI_METHOD.exec(path);
  if (gemini) {
    const model = geminiPathModel(gemini[1]);
    const operation = gemini[2];
    return operation === "countTokens"
      ? { format: "gemini", kind: "passthrough", path, model }
      : { format: "gemini", kind: "generate", path, model, stream: operation === "streamGenerateContent" };
  }
  const codeAssist = CODE_ASSIST_METHOD.exec(path);
  if (codeAssist) {
    const operation = codeAssist[1];
    if (operation === "generateContent" || operation === "streamGenerateContent") {
      return { format: "gemini-cli", kind: "generate", path, stream: operation === "streamGenerateContent" };
    }
    // countTokens, loadCodeAssist, onboardUser, recordCodeAssistMetrics…: forwarded as they are.
    return { format: "gemini-cli", kind: "passthrough", path };
  }
  return undefined;
}
