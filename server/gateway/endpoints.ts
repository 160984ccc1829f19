/**
 * The gateway's routes: which wire format a path speaks, and how the request is treated.
 * The format comes from the endpoint, never from guessing at the body.
 */
import type { ApiFormat } from "./formats/types.ts";

export interface GatewayRoute {
  format: ApiFormat;
  /** "generate" requests are billed, rate limited and count toward breakers; passthroughs are not. */
  kind: "generate" | "passthrough";
  /** Normalised path (without query string) as sent upstream. */
  path: string;
}

export function matchRoute(method: string, path: string): GatewayRoute | undefined {
  if (method !== "POST") return undefined;
  switch (path) {
    case "/v1/messages":
      return { format: "claude", kind: "generate", path };
    case "/v1/messages/count_tokens":
      return { format: "claude", kind: "passthrough", path };
    default:
      return undefined;
  }
}
