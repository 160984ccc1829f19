/**
 * Structured JSON logs (pino). Secrets never reach a log: header and field names that carry
 * credentials are redacted wherever they appear, and URLs are logged through redactUrl().
 */
import pino from "pino";

const REDACT_PATHS = [
  "*.authorization",
  "*.Authorization",
  "*['x-api-key']",
  "*['x-goog-api-key']",
  "*.cookie",
  "*['set-cookie']",
  "*.apiKey",
  "*.key",
  "*.token",
  "*.password",
  "*.secret",
  "headers.authorization",
  "headers['x-api-key']",
  "headers['x-goog-api-key']",
  "headers.cookie",
];

export type Logger = pino.Logger;

/** `destination` (default stdout) lets tests read exactly what the hub would log. */
export function createLogger(level: string, bindings: Record<string, unknown> = {}, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: "claude-code-hub", ...bindings },
    redact: { paths: REDACT_PATHS, censor: "[redacted]" },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination ? pino(options, destination) : pino(options);
}

const SECRET_QUERY_PARAMS = /([?&](?:key|api_key|apikey|token|access_token|sig|signature)=)[^&#]*/gi;

/** Removes credentials from a URL before it is logged or shown (e.g. Gemini's ?key=). */
export function redactUrl(url: string): string {
  return url.replace(SECRET_QUERY_PARAMS, "$1[redacted]").replace(/\/\/[^/@]*@/, "//[redacted]@");
}
