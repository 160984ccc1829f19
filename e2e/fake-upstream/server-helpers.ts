/** Small helpers shared by the HTTP server and the WebSocket transport. */
import type { StatusErrorBehaviour } from './behaviours.ts';
import type { ErrorDialect } from './errors.ts';
import { randomId } from './plan.ts';

/** A request id in the vendor's style (Anthropic `req_011C…`, OpenAI `req_<hex>`). */
export function requestIdFor(dialect: ErrorDialect): string {
  return dialect === 'openai' ? randomId('req_', 32, 'hex') : randomId('req_011C', 20);
}

/** The header carrying the request id (Anthropic `request-id`, OpenAI `x-request-id`; Google sends none). */
export function requestIdHeaders(dialect: ErrorDialect, requestId: string): Record<string, string> {
  switch (dialect) {
    case 'anthropic':
      return { 'request-id': requestId };
    case 'openai':
      return { 'x-request-id': requestId };
    case 'google':
      return {};
  }
}

/** The `retry-after` value of a status error: explicit value, else "1" for 429, `null` = none. */
export function retryAfterFor(b: StatusErrorBehaviour): string | undefined {
  if (b.retryAfter === null) return undefined;
  if (b.retryAfter !== undefined) return String(b.retryAfter);
  return b.status === 429 ? '1' : undefined;
}
