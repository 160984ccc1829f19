/**
 * What every wire format's response reader starts from, and the two "fake 200" failures they
 * all report the same way (an upstream that answers 2xx with a body that is no answer).
 */
import { emptyUsage } from "../usage/usage.ts";
import type { EmbeddedError, ResponseSummary } from "./types.ts";

/** A summary with nothing seen yet. */
export function emptySummary(): ResponseSummary {
  return { usage: emptyUsage(), model: undefined, completed: false, error: undefined, sawContent: false };
}

export function bodyNotJson(): EmbeddedError {
  return { type: "invalid_response", message: "the upstream answered 2xx with a body that is not JSON" };
}

export function unexpectedBody(): EmbeddedError {
  return { type: "invalid_response", message: "the upstream answered 2xx with an unexpected body" };
}
