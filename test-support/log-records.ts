/**
 * Request-log and ledger rows as the gateway's settle step writes them, for tests that put
 * history into the database through the log writer. Every field has a plain default; a test
 * states only what it is about.
 */
import type { LogRecord } from "../server/db/log-writer.ts";

type RequestLogRow = LogRecord["requestLog"];
type LedgerRow = NonNullable<LogRecord["ledger"]>;

export function requestLogRow(fields: Partial<RequestLogRow> & Pick<RequestLogRow, "requestId">): RequestLogRow {
  return {
    createdAt: new Date().toISOString(),
    userId: 1,
    keyId: 1,
    providerId: null,
    endpoint: "/v1/messages",
    apiFormat: "claude",
    model: "m",
    redirectedModel: null,
    responseModel: null,
    isStream: false,
    inputTokens: 10,
    outputTokens: 5,
    cacheCreation5mTokens: 0,
    cacheCreation1hTokens: 0,
    cacheReadTokens: 0,
    costUsd: "0.000100000",
    costBreakdown: null,
    priceMissing: false,
    ttfbMs: 1,
    durationMs: 2,
    statusCode: 200,
    errorType: null,
    errorMessage: null,
    blockedBy: null,
    sessionId: null,
    decisionChain: null,
    retryCount: 0,
    clientIp: null,
    userAgent: null,
    ...fields,
  };
}

/** The ledger row that goes with a billed request-log row (same request, tokens and cost). */
export function ledgerRowFor(row: RequestLogRow, billedModel = row.model): LedgerRow {
  const { requestId, createdAt, userId, keyId, providerId, model, apiFormat, inputTokens, outputTokens, cacheCreation5mTokens, cacheCreation1hTokens, cacheReadTokens, statusCode } = row;
  if (userId === null || keyId === null) throw new Error("a ledger row needs the request's user and key");
  return {
    requestId,
    createdAt,
    userId,
    keyId,
    providerId,
    model,
    billedModel,
    apiFormat,
    inputTokens,
    outputTokens,
    cacheCreation5mTokens,
    cacheCreation1hTokens,
    cacheReadTokens,
    costUsd: row.costUsd ?? "0",
    statusCode,
  };
}
