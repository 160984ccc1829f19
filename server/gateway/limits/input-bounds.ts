/**
 * Length limits on every client value the gateway keeps beyond the request: what is written to
 * the request log and the ledger, used in a store key, put in a metric, or matched against a
 * regex. Without them one request can put kilobytes into every log row, every binding key and
 * every dashboard grouping (the body limit alone allows megabytes in a "model" string).
 *
 * Each value is far above what any real client sends, so a refusal means a broken or hostile
 * client; over the limit is refused in the client's own envelope (400 for a body field, 414 for
 * the request target, 431 for a header), never truncated and kept. Decision record 0012.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { GatewayRoute } from "../endpoints.ts";
import { GatewayError } from "../errors.ts";

export const INPUT_BOUNDS = {
  /**
   * A model id (body `model`, Gemini's path segment, Code Assist's `request.model`). The
   * longest real ids are under 100 characters (Bedrock ARNs, fine-tuned "ft:gpt-…:org::id"
   * names); 256 leaves room for any deployment name. Logged, priced, matched by redirect rules.
   */
  modelChars: 256,
  /**
   * A session id from a header, metadata, prompt_cache_key or request.session_id. Claude Code,
   * Codex and Gemini CLI send 36-character UUIDs; 256 matches the id syntax resolve-session
   * accepts as it is. Logged and part of the session binding's store key.
   */
  sessionIdChars: 256,
  /**
   * Claude Code's metadata.user_id: the legacy "user_<64 hex>_account_<uuid>_session_<uuid>"
   * is ~140 characters, the JSON form with device, account and session ids ~170. It is parsed
   * and matched against a regex to find the session id.
   */
  metadataUserIdChars: 1024,
  /**
   * Bytes of a `metadata` object the hub decodes whole. OpenAI allows 16 pairs of a 64-char key
   * and a 512-char value (~9.2 KB); Anthropic's has one user_id.
   */
  metadataBytes: 16 * 1024,
  /**
   * Other identifiers kept from the body (previous_response_id, user, safety_identifier):
   * OpenAI's ids are "resp_" + ~50 characters, and it limits user/safety_identifier to 64.
   */
  identifierChars: 256,
  /**
   * The User-Agent, logged with every request and parsed by the client-version check. Real
   * CLIs send under 200 characters (claude-cli/2.0.14 (external, cli)).
   */
  userAgentChars: 512,
  /**
   * The query string. Clients send `?beta=true` or `?alt=sse&key=<39-char key>`; it is
   * forwarded to the upstream and searched for the caller's key.
   */
  queryChars: 2048,
  /**
   * The request path (logged as the endpoint). The longest fixed one is 26 characters; Gemini's
   * /v1beta/models/<model>:<method> holds a model (whose decoded length is checked on its own)
   * and Code Assist's /v1internal:<method> a method name of ~25 letters.
   */
  pathChars: 1024,
} as const;

/** Headers whose value the hub keeps (logged, or used as the session id), with their limit. */
const BOUNDED_HEADERS: ReadonlyArray<[string, number]> = [
  ["user-agent", INPUT_BOUNDS.userAgentChars],
  ["x-claude-code-session-id", INPUT_BOUNDS.sessionIdChars],
  ["session-id", INPUT_BOUNDS.sessionIdChars],
  ["session_id", INPUT_BOUNDS.sessionIdChars],
  ["x-session-id", INPUT_BOUNDS.sessionIdChars],
];

/** A GatewayError refused before the request's context exists, rendered in `format`'s envelope. */
export class RequestRejected extends GatewayError {
  constructor(
    readonly format: GatewayRoute["format"],
    kind: ConstructorParameters<typeof GatewayError>[0],
    message: string,
    options: ConstructorParameters<typeof GatewayError>[2] = {},
  ) {
    super(kind, message, options);
    this.name = "RequestRejected";
  }
}

/**
 * Refuses a request whose path, query string or kept headers are over their limit, before any
 * of them reaches the log (the router calls this right after matching the route).
 */
export function checkRequestBounds(route: GatewayRoute, headers: IncomingHttpHeaders, search: string): void {
  if (route.path.length > INPUT_BOUNDS.pathChars) {
    throw new RequestRejected(route.format, "invalid_request", `The request path is longer than ${INPUT_BOUNDS.pathChars} characters.`, { status: 414 });
  }
  if (search.length > INPUT_BOUNDS.queryChars) {
    throw new RequestRejected(route.format, "invalid_request", `The query string is longer than ${INPUT_BOUNDS.queryChars} characters.`, { status: 414 });
  }
  for (const [name, limit] of BOUNDED_HEADERS) {
    const value = headers[name];
    const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
    if (values.some((v) => v.length > limit)) {
      throw new RequestRejected(route.format, "invalid_request", `The ${name} header is longer than ${limit} characters.`, { status: 431 });
    }
  }
}

/**
 * `value` when it is not a string or within `limit` characters; otherwise the client's 400
 * naming the field. For strings read from the body.
 */
export function boundedField<T>(value: T, limit: number, name: string): T {
  if (typeof value === "string" && value.length > limit) {
    throw new GatewayError("invalid_request", `${name}: longer than ${limit} characters.`);
  }
  return value;
}

/**
 * A model name within its limit, without control characters (U+0000–U+001F, U+007F) and
 * without a lone surrogate ("\ud800", which JSON allows): no model id has either, and the log
 * writer hands its rows to PostgreSQL as JSON, which refuses both ("\u0000" and an unpaired
 * surrogate escape), so one such name was served but made its whole batch of log and ledger
 * rows fail. Returns `value` (any non-string as it is).
 */
export function boundedModel<T>(value: T, name = "model"): T {
  if (typeof value !== "string") return value;
  boundedField(value, INPUT_BOUNDS.modelChars, name);
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) throw new GatewayError("invalid_request", `${name}: contains a control character.`);
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = value.charCodeAt(i + 1);
      if (c >= 0xdc00 || !(next >= 0xdc00 && next <= 0xdfff)) throw new GatewayError("invalid_request", `${name}: is not valid Unicode (a lone surrogate).`);
      i++;
    }
  }
  return value;
}

/**
 * An output cap (max_tokens and its equivalents) as the hub uses it: a number becomes the
 * reservation's size, so one that is negative or not finite (1e400 parses as Infinity, and
 * Infinity × a free model's price is NaN) is the client's 400 — every upstream refuses it too.
 * Anything that is not a number is left to the upstream and reserves the default.
 */
export function outputCap(value: unknown, name: string): number | undefined {
  if (typeof value !== "number") return undefined;
  if (!Number.isFinite(value) || value < 0) throw new GatewayError("invalid_request", `${name}: must be a non-negative number.`);
  return value;
}

/**
 * Names of the body's string identifiers the hub keeps, with their limit (a session id is kept
 * as the log's session id and in a store key; the others travel in the request's hints).
 */
export const BOUNDED_HINTS: Readonly<Record<string, number>> = {
  prompt_cache_key: INPUT_BOUNDS.sessionIdChars,
  session_id: INPUT_BOUNDS.sessionIdChars,
  previous_response_id: INPUT_BOUNDS.identifierChars,
  user: INPUT_BOUNDS.identifierChars,
  safety_identifier: INPUT_BOUNDS.identifierChars,
};

/**
 * A `metadata` value within its limits: its encoded size, and the two members the session
 * step reads (user_id, which Claude Code fills, and session_id). `bytes` is its raw length.
 */
export function boundedMetadata(value: unknown, bytes: number, name = "metadata"): unknown {
  if (bytes > INPUT_BOUNDS.metadataBytes) {
    throw new GatewayError("invalid_request", `${name}: larger than ${INPUT_BOUNDS.metadataBytes} bytes.`);
  }
  if (value && typeof value === "object") {
    const m = value as Record<string, unknown>;
    boundedField(m.user_id, INPUT_BOUNDS.metadataUserIdChars, `${name}.user_id`);
    boundedField(m.session_id, INPUT_BOUNDS.sessionIdChars, `${name}.session_id`);
  }
  return value;
}
