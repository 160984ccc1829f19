/**
 * Responses API errors: the same JSON envelope as Chat Completions, and, inside a stream, a
 * `response.failed` event.
 *
 * Why response.failed and not an `error` event: Codex CLI ignores `error` events and reads
 * `response.error.code` of response.failed (context_length_exceeded, insufficient_quota and
 * usage_not_included end the turn; anything else is retried, after the delay named in a
 * rate_limit_exceeded message). The openai SDK replaces its response snapshot with the failed
 * response, which must therefore have an `output` array.
 */
import type { GatewayError } from "../../errors.ts";
import { openAiErrorVocabulary, renderOpenAiError } from "../openai-chat/errors.ts";

export { renderOpenAiError as renderOpenAiResponsesError };

/**
 * A `response.failed` event that ends a stream broken after the commit point. The response id
 * is the hub's request id: the upstream's id is not known here. `sequenceNumber` continues the
 * upstream's numbering when the stream tap knows it (see the tap's renderError); the format's
 * own renderer, used without a tap, leaves it out (neither Codex CLI nor the openai SDK checks it).
 */
export function renderOpenAiResponsesStreamError(error: GatewayError, requestId: string, sequenceNumber?: number): string {
  const { code, type } = openAiErrorVocabulary(error.kind);
  const event = {
    type: "response.failed",
    ...(sequenceNumber === undefined ? {} : { sequence_number: sequenceNumber }),
    response: {
      id: requestId,
      object: "response",
      status: "failed",
      error: { code: code ?? type, message: error.message },
      incomplete_details: null,
      output: [],
      usage: null,
    },
  };
  return `event: response.failed\ndata: ${JSON.stringify(event)}\n\n`;
}
