/**
 * The usage billed for a stream the client dropped before the upstream reported its usage
 * (docs/decisions/0013). OpenAI Chat and Responses streams report usage only in their last
 * event, so cutting the upstream off when the client leaves (the default abort policy) used to
 * leave such a request at $0 although the upstream had read the whole prompt and generated
 * what the client received. Whatever the upstream did report is kept; a missing side is
 * estimated:
 *
 *   input   the request body's UTF-8 size / 4, not counting long base64 runs (inline images and
 *           files cost far fewer tokens than their encoded size; they are left out rather than
 *           guessed, so the estimate errs low)
 *   output  the generated text seen in the stream (formats' generatedBytes) / 4, when that is
 *           more than the upstream reported (Anthropic reports 1 output token at message_start)
 *
 * Four bytes per token is the usual average for English text and code; for CJK text it is
 * about one token per three bytes, so the estimate is low there too.
 */
import type { ResponseSummary } from "../formats/types.ts";
import { promptTokens, type Usage } from "./usage.ts";

export const BYTES_PER_TOKEN = 4;

/** Runs of base64 characters at least this long are taken for encoded binary data. */
const BASE64_RUN = 256;

/** What the request log records about an estimate (decision chain `usageEstimate`). */
export interface UsageEstimate {
  reason: "client_dropped_stream";
  /** Where each side of the billed usage comes from. */
  input: "reported" | "estimated_from_request";
  output: "reported" | "estimated_from_stream";
  /** What the upstream had reported before the stream was dropped. */
  reported: { promptTokens: number; outputTokens: number };
  requestBytesCounted: number;
  generatedBytes: number;
  bytesPerToken: number;
}

function isBase64Char(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2f || c === 0x3d || c === 0x2d || c === 0x5f;
}

/** The body's size without long base64 runs. */
export function countedRequestBytes(body: Buffer): number {
  let counted = body.length;
  let run = 0;
  for (let i = 0; i < body.length; i++) {
    if (isBase64Char(body[i])) {
      run++;
      continue;
    }
    if (run >= BASE64_RUN) counted -= run;
    run = 0;
  }
  if (run >= BASE64_RUN) counted -= run;
  return counted;
}

/**
 * The usage to bill for a dropped stream, and how it was obtained; undefined when the upstream's
 * report already covers both sides (nothing to estimate).
 */
export function droppedStreamUsage(summary: ResponseSummary, requestBody: Buffer | undefined): { usage: Usage; estimate: UsageEstimate } | undefined {
  const reported = summary.usage;
  const generated = summary.generatedBytes ?? 0;
  const outputEstimate = Math.ceil(generated / BYTES_PER_TOKEN);
  const needInput = promptTokens(reported) === 0;
  const needOutput = outputEstimate > reported.outputTokens;
  if (!needInput && !needOutput) return undefined;
  const requestBytes = needInput && requestBody ? countedRequestBytes(requestBody) : 0;
  const usage: Usage = { ...reported };
  if (needInput) usage.inputTokens = Math.ceil(requestBytes / BYTES_PER_TOKEN);
  if (needOutput) usage.outputTokens = outputEstimate;
  return {
    usage,
    estimate: {
      reason: "client_dropped_stream",
      input: needInput ? "estimated_from_request" : "reported",
      output: needOutput ? "estimated_from_stream" : "reported",
      reported: { promptTokens: promptTokens(reported), outputTokens: reported.outputTokens },
      requestBytesCounted: requestBytes,
      generatedBytes: generated,
      bytesPerToken: BYTES_PER_TOKEN,
    },
  };
}
