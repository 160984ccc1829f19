/**
 * Vendor error envelopes. Each vendor has its own JSON shape and its own names for the same
 * HTTP status; clients (and the hub's error classifier) key on those names, so they are mapped
 * per dialect here rather than invented per test.
 */
import type { ErrorSpec } from './behaviours.ts';

/** Which vendor's error vocabulary a route speaks. */
export type ErrorDialect = 'anthropic' | 'openai' | 'google';

/** An error with every field decided. */
export interface ResolvedError {
  status: number;
  /** Anthropic `error.type`, OpenAI `error.type`, Google `error.status`. */
  type: string;
  message: string;
  /** OpenAI `error.code` (null when the vendor sends none). */
  code: string | null;
}

const ANTHROPIC: Record<number, [type: string, message: string]> = {
  400: ['invalid_request_error', 'Invalid request.'],
  401: ['authentication_error', 'invalid x-api-key'],
  402: ['billing_error', 'Your credit balance is too low to access the Anthropic API.'],
  403: ['permission_error', 'Your API key does not have permission to use the specified resource.'],
  404: ['not_found_error', 'Not found.'],
  413: ['request_too_large', 'Request exceeds the maximum allowed number of bytes.'],
  429: ['rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit.'],
  500: ['api_error', 'Internal server error'],
  504: ['timeout_error', 'Request timed out.'],
  529: ['overloaded_error', 'Overloaded'],
};

const OPENAI: Record<number, [type: string, code: string | null, message: string]> = {
  400: ['invalid_request_error', null, 'Invalid request.'],
  401: ['invalid_request_error', 'invalid_api_key', 'Incorrect API key provided.'],
  403: ['invalid_request_error', 'unsupported_country_region_territory', 'Country, region, or territory not supported.'],
  404: ['invalid_request_error', 'model_not_found', 'The model does not exist or you do not have access to it.'],
  429: ['requests', 'rate_limit_exceeded', 'Rate limit reached for requests. Please try again in 1s.'],
  500: ['server_error', 'server_error', 'The server had an error while processing your request. Sorry about that!'],
  503: ['server_error', 'service_unavailable', 'The server is overloaded or not ready yet.'],
};

const GOOGLE: Record<number, [status: string, message: string]> = {
  400: ['INVALID_ARGUMENT', 'Request contains an invalid argument.'],
  401: ['UNAUTHENTICATED', 'Request had invalid authentication credentials.'],
  403: ['PERMISSION_DENIED', 'The caller does not have permission.'],
  404: ['NOT_FOUND', 'Requested entity was not found.'],
  409: ['ABORTED', 'The operation was aborted.'],
  429: ['RESOURCE_EXHAUSTED', 'Resource has been exhausted (e.g. check quota).'],
  499: ['CANCELLED', 'The operation was cancelled.'],
  500: ['INTERNAL', 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting'],
  501: ['UNIMPLEMENTED', 'Operation is not implemented, or supported, or enabled.'],
  503: ['UNAVAILABLE', 'The model is overloaded. Please try again later.'],
  504: ['DEADLINE_EXCEEDED', 'The request timed out. Please try again.'],
};

/** The status an in-stream error stands for when the behaviour names none. */
export function defaultStreamErrorStatus(dialect: ErrorDialect): number {
  return dialect === 'anthropic' ? 529 : dialect === 'openai' ? 500 : 503;
}

/** Fills in type, message and code for `spec` in the vendor's vocabulary. */
export function resolveError(dialect: ErrorDialect, spec: ErrorSpec, fallbackStatus: number): ResolvedError {
  const status = spec.status ?? fallbackStatus;
  const generic = status >= 500;
  switch (dialect) {
    case 'anthropic': {
      const [type, message] = ANTHROPIC[status] ?? (generic ? ['api_error', 'Internal server error'] : ['invalid_request_error', 'Invalid request.']);
      return { status, type: spec.errorType ?? type, message: spec.message ?? message, code: spec.code ?? null };
    }
    case 'openai': {
      const [type, code, message] = OPENAI[status] ?? (generic ? ['server_error', null, 'The server had an error while processing your request. Sorry about that!'] : ['invalid_request_error', null, 'Invalid request.']);
      return { status, type: spec.errorType ?? type, message: spec.message ?? message, code: spec.code === undefined ? code : spec.code };
    }
    case 'google': {
      const [type, message] = GOOGLE[status] ?? (generic ? ['INTERNAL', 'An internal error has occurred.'] : ['FAILED_PRECONDITION', 'Precondition check failed.']);
      return { status, type: spec.errorType ?? type, message: spec.message ?? message, code: spec.code ?? null };
    }
  }
}

/**
 * The JSON error body for an HTTP error response (and for Google/OpenAI in-stream error chunks,
 * which use the same shape).
 */
export function errorEnvelope(dialect: ErrorDialect, err: ResolvedError, requestId: string, retryAfterSeconds?: number): unknown {
  switch (dialect) {
    case 'anthropic':
      return { type: 'error', error: { type: err.type, message: err.message }, request_id: requestId };
    case 'openai':
      return { error: { message: err.message, type: err.type, param: null, code: err.code } };
    case 'google': {
      const error: Record<string, unknown> = { code: err.status, message: err.message, status: err.type };
      if (retryAfterSeconds !== undefined) {
        // Google signals the retry delay in the body (google.rpc.RetryInfo), not in a header.
        error.details = [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${retryAfterSeconds}s` }];
      }
      return { error };
    }
  }
}

/** An HTML error page, as returned by a misbehaving proxy in front of an API ("fake 200"). */
export function htmlErrorPage(err: ResolvedError): string {
  return `<!DOCTYPE html>\n<html><head><title>${err.status} ${escapeHtml(err.type)}</title></head>` +
    `<body><h1>${err.status} ${escapeHtml(err.type)}</h1><p>${escapeHtml(err.message)}</p></body></html>\n`;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
