/**
 * One message to one target over HTTP, with bounded retries: each attempt has its own timeout,
 * and a failure the service may get over (timeouts, connection errors, 429, 5xx) is tried again
 * after 1 s, 4 s, 16 s (at most MAX_ATTEMPTS attempts, no wait above 30 s). A refused message
 * (bad token, 4xx, an error code in a 200) is not retried. `sleep` is injected so tests run the
 * backoff without waiting.
 */
import type { OutgoingRequest, Verdict } from "./channels/types.ts";

export const MAX_ATTEMPTS = 4;
const BACKOFF_BASE_MS = 1_000;
const BACKOFF_CAP_MS = 30_000;
/** Longest answer body read (robots answer a few bytes; an error page is cut). */
const MAX_ANSWER_BYTES = 16_384;
const ERROR_LIMIT = 500;

export function backoffMs(failedAttempt: number): number {
  return Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 4 ** (failedAttempt - 1));
}

export interface DeliveryOutcome {
  ok: boolean;
  attempts: number;
  httpStatus: number | null;
  error: string | null;
}

export interface DeliverOptions {
  timeoutMs: number;
  sleep: (ms: number) => Promise<void>;
  /** Builds the request for each attempt (signatures carry the attempt's time). */
  build: () => OutgoingRequest;
  verdict: (status: number, body: string) => Verdict;
  /** Secrets that must never appear in a recorded error (tokens inside URLs). */
  secrets: string[];
}

async function readBounded(res: Response): Promise<string> {
  if (!res.body) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < MAX_ANSWER_BYTES) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  await reader.cancel().catch(() => undefined);
  return Buffer.concat(chunks).subarray(0, MAX_ANSWER_BYTES).toString("utf8");
}

function redact(text: string, secrets: string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join("****");
  return out.slice(0, ERROR_LIMIT);
}

export async function deliver(options: DeliverOptions): Promise<DeliveryOutcome> {
  let httpStatus: number | null = null;
  let error: string | null = null;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    let retry: boolean;
    try {
      const request = options.build();
      const res = await fetch(request.url, {
        method: "POST",
        headers: request.headers,
        body: request.body,
        redirect: "manual", // a robot URL that redirects is misconfigured; never follow it elsewhere
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      httpStatus = res.status;
      const verdict = options.verdict(res.status, await readBounded(res));
      if (verdict.ok) return { ok: true, attempts: attempt, httpStatus, error: null };
      error = verdict.error ?? `HTTP ${res.status}`;
      retry = verdict.retry;
    } catch (e) {
      const err = e as Error;
      httpStatus = null;
      error = err.name === "TimeoutError" ? `no answer within ${options.timeoutMs} ms` : `${err.message}${err.cause ? ` (${(err.cause as Error).message})` : ""}`;
      retry = true;
    }
    if (!retry || attempt === MAX_ATTEMPTS) return { ok: false, attempts: attempt, httpStatus, error: redact(error, options.secrets) };
    await options.sleep(backoffMs(attempt));
  }
  /* c8 ignore next */
  return { ok: false, attempts: MAX_ATTEMPTS, httpStatus, error: redact(error ?? "failed", options.secrets) };
}
