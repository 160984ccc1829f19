/**
 * Writes request-log rows and usage-ledger rows in batches, off the request's hot path.
 *
 * Nothing is lost when the database is away: rows wait in memory (bounded by maxPending), the
 * overflow goes to newline-delimited JSON files under DATA_DIR/spool, and both are written once
 * the database answers again. Ledger rows are idempotent per request id (unique + skipDuplicates),
 * so a batch retried after an ambiguous failure is never counted twice.
 */
import { mkdirSync } from "node:fs";
import { appendFile, readdir, readFile, unlink } from "node:fs/promises";
import path from "node:path";
import type { Logger } from "../logger.ts";
import type { SqlQuery } from "./database.ts";

/** One request's rows, JSON-serialisable (dates as ISO strings, money as decimal strings). */
export interface LogRecord {
  requestLog: {
    requestId: string;
    createdAt: string;
    userId: number | null;
    keyId: number | null;
    providerId: number | null;
    endpoint: string;
    apiFormat: string;
    model: string | null;
    redirectedModel: string | null;
    responseModel: string | null;
    isStream: boolean;
    inputTokens: number;
    outputTokens: number;
    cacheCreation5mTokens: number;
    cacheCreation1hTokens: number;
    cacheReadTokens: number;
    costUsd: string | null;
    costBreakdown: unknown;
    priceMissing: boolean;
    ttfbMs: number | null;
    durationMs: number | null;
    statusCode: number;
    errorType: string | null;
    errorMessage: string | null;
    blockedBy: string | null;
    sessionId: string | null;
    decisionChain: unknown;
    retryCount: number;
    clientIp: string | null;
    userAgent: string | null;
  };
  /** Present when the request is billed. */
  ledger?: {
    requestId: string;
    createdAt: string;
    userId: number;
    keyId: number;
    providerId: number | null;
    model: string | null;
    billedModel: string | null;
    apiFormat: string;
    inputTokens: number;
    outputTokens: number;
    cacheCreation5mTokens: number;
    cacheCreation1hTokens: number;
    cacheReadTokens: number;
    costUsd: string;
    statusCode: number;
  };
}

export interface LogWriterOptions {
  flushMs: number;
  batchSize: number;
  maxPending: number;
  spoolDir: string;
}

export interface LogWriterStats {
  pending: number;
  written: number;
  spooled: number;
  failedFlushes: number;
}

const MAX_BACKOFF_MS = 30_000;

const LOG_COLUMNS = [
  "request_id", "created_at", "user_id", "key_id", "provider_id", "endpoint", "api_format", "model",
  "redirected_model", "response_model", "is_stream", "input_tokens", "output_tokens", "cache_creation_5m_tokens",
  "cache_creation_1h_tokens", "cache_read_tokens", "cost_usd", "cost_breakdown", "price_missing", "ttfb_ms",
  "duration_ms", "status_code", "error_type", "error_message", "blocked_by", "session_id", "decision_chain",
  "retry_count", "client_ip", "user_agent",
].join(", ");

const LEDGER_COLUMNS = [
  "request_id", "created_at", "user_id", "key_id", "provider_id", "model", "billed_model", "api_format",
  "input_tokens", "output_tokens", "cache_creation_5m_tokens", "cache_creation_1h_tokens", "cache_read_tokens",
  "cost_usd", "status_code",
].join(", ");

const INSERT_BATCH = `
  WITH logs AS (
    INSERT INTO request_log (${LOG_COLUMNS})
    SELECT ${LOG_COLUMNS} FROM json_populate_recordset(NULL::request_log, $1::json)
    ON CONFLICT (request_id) DO NOTHING
  ), ledger AS (
    INSERT INTO usage_ledger (${LEDGER_COLUMNS})
    SELECT ${LEDGER_COLUMNS} FROM json_populate_recordset(NULL::usage_ledger, $2::json)
    ON CONFLICT (request_id) DO NOTHING
  ), used AS (
    UPDATE api_keys k SET last_used_at = u.at
    FROM (SELECT key_id, max(created_at) AS at FROM json_populate_recordset(NULL::request_log, $1::json)
          WHERE key_id IS NOT NULL GROUP BY key_id) u
    WHERE k.id = u.key_id AND (k.last_used_at IS NULL OR k.last_used_at < u.at)
  )
  SELECT 1`;

const snakeNames = new Map<string, string>();
function snakeName(key: string) {
  let name = snakeNames.get(key);
  if (!name) {
    name = key.replace(/([a-z])([A-Z0-9])/g, "$1_$2").toLowerCase();
    snakeNames.set(key, name);
  }
  return name;
}

/** Row objects use the column names (snake_case), which json_populate_recordset matches. */
function snakeCase(row: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in row) out[snakeName(key)] = (row as Record<string, unknown>)[key];
  return out;
}

export class LogWriter {
  private queue: LogRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private backoffMs = 0;
  private closed = false;
  private spoolFiles = 0;
  private readonly counters = { written: 0, spooled: 0, failedFlushes: 0 };

  constructor(
    private readonly sql: SqlQuery,
    private readonly logger: Logger,
    private readonly options: LogWriterOptions,
  ) {
    mkdirSync(options.spoolDir, { recursive: true });
  }

  /** Picks up rows spooled by an earlier run that could not reach the database. */
  async start(): Promise<void> {
    this.spoolFiles = (await this.listSpool()).length;
    if (this.spoolFiles) this.logger.info({ files: this.spoolFiles }, "request-log spool found; it will be written");
    this.schedule();
  }

  enqueue(record: LogRecord): void {
    this.queue.push(record);
    if (this.queue.length > this.options.maxPending) {
      // Memory is bounded: the oldest rows go to disk (a batch at a time, not a file per row)
      // and come back when the database does.
      const count = Math.max(this.queue.length - this.options.maxPending, Math.min(this.options.batchSize, this.queue.length));
      void this.spool(this.queue.splice(0, count));
    }
    if (this.queue.length >= this.options.batchSize && this.backoffMs === 0) void this.flush();
  }

  stats(): LogWriterStats {
    return { pending: this.queue.length, ...this.counters };
  }

  /** Writes everything queued now (one batch after another). Rejects nothing: failures are retried later. */
  flush(): Promise<void> {
    if (!this.flushing) {
      this.flushing = this.drain().finally(() => {
        this.flushing = undefined;
      });
    }
    return this.flushing;
  }

  /** Flushes for at most timeoutMs, then spools whatever could not be written. */
  async close(timeoutMs: number): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.backoffMs = 0;
    await Promise.race([this.flush(), new Promise((r) => setTimeout(r, timeoutMs))]);
    if (this.queue.length) {
      const rest = this.queue.splice(0);
      await this.spool(rest);
      this.logger.warn({ rows: rest.length }, "request-log rows spooled at shutdown; they are written at the next start");
    }
  }

  private schedule() {
    if (this.closed) return;
    const delay = this.backoffMs || this.options.flushMs;
    this.timer = setTimeout(async () => {
      await this.flush();
      this.schedule();
    }, delay);
    this.timer.unref();
  }

  private async drain(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue.slice(0, this.options.batchSize);
      try {
        await this.write(batch);
      } catch (error) {
        this.counters.failedFlushes++;
        this.backoffMs = Math.min(MAX_BACKOFF_MS, Math.max(this.options.flushMs, this.backoffMs * 2));
        this.logger.warn({ err: (error as Error).message, pending: this.queue.length, retryInMs: this.backoffMs }, "request-log write failed; will retry");
        return;
      }
      this.queue.splice(0, batch.length);
      this.backoffMs = 0;
    }
    if (this.spoolFiles && !this.closed) await this.replaySpool();
  }

  private async write(batch: LogRecord[]) {
    const logs = batch.map((r) => snakeCase(r.requestLog));
    const ledger = batch.flatMap((r) => (r.ledger ? [snakeCase(r.ledger)] : []));
    // One statement, one round trip, atomic: PostgreSQL expands the JSON arrays itself, which
    // costs the hub one JSON.stringify per batch (Prisma's createMany cost more CPU than the
    // whole proxying of the requests it recorded). ON CONFLICT keeps retries idempotent.
    await this.sql(INSERT_BATCH, [JSON.stringify(logs), JSON.stringify(ledger)]);
    this.counters.written += batch.length;
  }

  private async spool(records: LogRecord[]) {
    if (!records.length) return;
    const file = path.join(this.options.spoolDir, `requests-${Date.now()}-${process.pid}-${Math.random().toString(36).slice(2, 8)}.ndjson`);
    try {
      await appendFile(file, records.map((r) => JSON.stringify(r)).join("\n") + "\n", { mode: 0o600 });
      this.counters.spooled += records.length;
      this.spoolFiles++;
    } catch (error) {
      this.logger.error({ err: (error as Error).message, rows: records.length }, "request-log rows could not be spooled and are lost");
    }
  }

  private async listSpool(): Promise<string[]> {
    try {
      return (await readdir(this.options.spoolDir)).filter((f) => f.endsWith(".ndjson")).sort();
    } catch {
      return [];
    }
  }

  /** Moves one spool file back into the queue; the next flush writes it. */
  private async replaySpool() {
    const [name] = await this.listSpool();
    if (!name) {
      this.spoolFiles = 0;
      return;
    }
    const file = path.join(this.options.spoolDir, name);
    const text = await readFile(file, "utf8");
    const records = text
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as LogRecord);
    this.queue.push(...records);
    await unlink(file);
    this.spoolFiles = Math.max(0, this.spoolFiles - 1);
    this.logger.info({ rows: records.length, file: name }, "request-log spool file re-queued");
  }
}
