/**
 * Writes request-log rows and usage-ledger rows in batches, off the request's hot path.
 *
 * Nothing is lost when the database is away: rows wait in memory (bounded by maxPending), the
 * overflow goes to newline-delimited JSON files in the spool directory of this database
 * (DATA_DIR/spool/<installation id>, see installation.ts), and both are written once the
 * database answers again. Ledger rows are idempotent per request id (unique + ON CONFLICT DO
 * NOTHING), so a batch retried after an ambiguous failure is never counted twice.
 *
 * Nothing a client sends can stop it either: text is bounded before insert (row-bounds.ts), and
 * when PostgreSQL refuses a batch for its data (write-errors.ts), the batch is split until the
 * refused rows are found; those go to a dead-letter file and the rest is written. Only
 * "database unavailable" makes the writer wait and retry. See docs/decisions/0011.
 */
import { mkdirSync } from "node:fs";
import { appendFile, readdir, readFile, rename, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Logger } from "../logger.ts";
import type { SqlQuery } from "./database.ts";
import { boundRow } from "./row-bounds.ts";
import { classifyWriteError, sqlState } from "./write-errors.ts";

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
    /** The format conversion of the final attempt ("claude → openai-chat"); absent or null for passthrough. */
    conversion?: string | null;
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
  /** The spool directory of this database (never shared with another database). */
  spoolDir: string;
}

export interface LogWriterStats {
  /** Rows in memory, including a batch being written. */
  pending: number;
  written: number;
  spooled: number;
  failedFlushes: number;
  /** Rows the database refused, set aside in the dead-letter file since this process started. */
  deadLettered: number;
}

/** One row the database refused, as announced to onDeadLetter listeners. */
export interface DeadLetterEvent {
  requestId: string;
  /** The SQLSTATE PostgreSQL answered with (e.g. 54000 for an index entry too large). */
  sqlState: string | undefined;
  /** PostgreSQL's message. */
  reason: string;
  /** The file the row was appended to. */
  file: string;
  at: string;
}

/** Called once per dead-lettered row; the hook a notification feature subscribes to. */
export type DeadLetterListener = (event: DeadLetterEvent) => void;

/** One line of the dead-letter file: the row as it was queued, and why it was refused. */
interface DeadLetterLine {
  at: string;
  sqlState: string | undefined;
  reason: string;
  record?: LogRecord;
  /** A spool line that was not valid JSON (a write cut short by a crash), kept as text. */
  raw?: string;
}

export const DEAD_LETTER_DIR = "dead-letter";

const MAX_BACKOFF_MS = 30_000;

const LOG_COLUMNS = [
  "request_id", "created_at", "user_id", "key_id", "provider_id", "endpoint", "api_format", "model",
  "redirected_model", "response_model", "is_stream", "input_tokens", "output_tokens", "cache_creation_5m_tokens",
  "cache_creation_1h_tokens", "cache_read_tokens", "cost_usd", "cost_breakdown", "price_missing", "ttfb_ms",
  "duration_ms", "status_code", "error_type", "error_message", "blocked_by", "session_id", "decision_chain",
  "retry_count", "client_ip", "user_agent", "conversion",
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

/** Text columns under a btree index, cut shorter than the others (see row-bounds.ts). */
const INDEXED_LOG_FIELDS: ReadonlySet<string> = new Set(["requestId", "model", "sessionId"]);
const INDEXED_LEDGER_FIELDS: ReadonlySet<string> = new Set(["requestId"]);

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
  /** The batch being written; still ours to spool if the process stops before it lands. */
  private inFlight: LogRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private backoffMs = 0;
  private closed = false;
  private spoolFiles = 0;
  private readonly counters = { written: 0, spooled: 0, failedFlushes: 0, deadLettered: 0 };
  private readonly deadLetterListeners = new Set<DeadLetterListener>();

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
    this.spoolOverflow();
    if (this.queue.length >= this.options.batchSize && this.backoffMs === 0) void this.flush();
  }

  /**
   * Memory is bounded: past maxPending the oldest rows go to disk (a batch at a time, not a
   * file per row) and come back when the database does.
   */
  private spoolOverflow() {
    if (this.queue.length + this.inFlight.length <= this.options.maxPending) return;
    const excess = this.queue.length + this.inFlight.length - this.options.maxPending;
    const count = Math.min(this.queue.length, Math.max(excess, this.options.batchSize));
    void this.spool(this.queue.splice(0, count));
  }

  stats(): LogWriterStats {
    return { pending: this.queue.length + this.inFlight.length, ...this.counters };
  }

  /** Where this writer spools (and dead-letters) rows: its database's own directory. */
  get spoolDir(): string {
    return this.options.spoolDir;
  }

  /** Subscribes to dead-lettered rows; returns the unsubscribe function. */
  onDeadLetter(listener: DeadLetterListener): () => void {
    this.deadLetterListeners.add(listener);
    return () => this.deadLetterListeners.delete(listener);
  }

  /** Writes everything queued now (one batch after another). Rejects nothing: failures are retried later. */
  flush(): Promise<void> {
    if (!this.flushing) {
      this.flushing = this.drain()
        .catch((error: Error) => {
          // drain() handles write failures itself; this is a spool file that cannot be read or
          // removed. It is tried again at the next flush.
          this.logger.error({ err: error.message }, "request-log flush failed");
        })
        .finally(() => {
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
    // A batch still being written (a database that accepted the query but never answered) is
    // spooled too: if it did land after all, the replay is a no-op (ON CONFLICT DO NOTHING).
    const rest = [...this.inFlight, ...this.queue.splice(0)];
    if (rest.length) {
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
      // Taken out of the queue while it is written, so that an overflow spooling the oldest
      // queued rows meanwhile cannot take rows of this batch (or leave others unwritten).
      const batch = this.queue.splice(0, this.options.batchSize);
      this.inFlight = batch;
      const settled = new Set<LogRecord>();
      try {
        await this.writeIsolating(batch, settled);
      } catch (error) {
        this.inFlight = [];
        this.queue.unshift(...batch.filter((r) => !settled.has(r)));
        this.spoolOverflow();
        this.failed(error);
        return;
      }
      this.inFlight = [];
      this.backoffMs = 0;
    }
    if (this.spoolFiles && !this.closed) await this.replaySpool();
  }

  private failed(error: unknown) {
    this.counters.failedFlushes++;
    this.backoffMs = Math.min(MAX_BACKOFF_MS, Math.max(this.options.flushMs, this.backoffMs * 2));
    this.logger.warn({ err: (error as Error).message, pending: this.queue.length, retryInMs: this.backoffMs }, "request-log write failed; will retry");
  }

  /**
   * Writes the batch; if PostgreSQL refuses it for its data, writes each half the same way, down
   * to the single rows it refuses, which are dead-lettered. A refused batch of n rows with one
   * bad row costs about 2·log2(n) statements. Throws (leaving `settled` holding what was done)
   * only when the database is unavailable.
   */
  private async writeIsolating(batch: LogRecord[], settled: Set<LogRecord>): Promise<void> {
    try {
      await this.write(batch);
      for (const r of batch) settled.add(r);
    } catch (error) {
      if (classifyWriteError(error) !== "refused") throw error;
      if (batch.length === 1) {
        await this.deadLetter([{ at: new Date().toISOString(), sqlState: sqlState(error), reason: (error as Error).message, record: batch[0] }]);
        settled.add(batch[0]);
        return;
      }
      const half = Math.ceil(batch.length / 2);
      await this.writeIsolating(batch.slice(0, half), settled);
      await this.writeIsolating(batch.slice(half), settled);
    }
  }

  private async write(batch: LogRecord[]) {
    const logs = batch.map((r) => snakeCase(boundRow(r.requestLog, INDEXED_LOG_FIELDS)));
    const ledger = batch.flatMap((r) => (r.ledger ? [snakeCase(boundRow(r.ledger, INDEXED_LEDGER_FIELDS))] : []));
    // One statement, one round trip, atomic: PostgreSQL expands the JSON arrays itself, which
    // costs the hub one JSON.stringify per batch (Prisma's createMany cost more CPU than the
    // whole proxying of the requests it recorded). ON CONFLICT keeps retries idempotent.
    await this.sql(INSERT_BATCH, [JSON.stringify(logs), JSON.stringify(ledger)]);
    this.counters.written += batch.length;
  }

  /**
   * Appends refused rows to the dead-letter file of this database's spool (one file per day),
   * counts them, logs a warning and tells the listeners. If even the file cannot be written the
   * rows are logged in full, so they are not lost without trace.
   */
  private async deadLetter(lines: DeadLetterLine[]) {
    const dir = path.join(this.options.spoolDir, DEAD_LETTER_DIR);
    const file = path.join(dir, `dead-letter-${lines[0].at.slice(0, 10)}.ndjson`);
    try {
      mkdirSync(dir, { recursive: true });
      await appendFile(file, lines.map((l) => JSON.stringify(l)).join("\n") + "\n", { mode: 0o600 });
    } catch (error) {
      this.logger.error({ err: (error as Error).message, rows: lines }, "dead-letter file cannot be written; the refused rows are in this log line");
    }
    for (const line of lines) {
      this.counters.deadLettered++;
      const event: DeadLetterEvent = {
        requestId: line.record?.requestLog.requestId ?? "",
        sqlState: line.sqlState,
        reason: line.reason,
        file,
        at: line.at,
      };
      this.logger.warn({ requestId: event.requestId, sqlState: event.sqlState, reason: event.reason, file }, "request-log row refused by the database; set aside in the dead-letter file");
      for (const listener of this.deadLetterListeners) {
        try {
          listener(event);
        } catch (error) {
          this.logger.error({ err: (error as Error).message }, "dead-letter listener failed");
        }
      }
    }
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

  /**
   * Writes one spool file and removes it once its rows are in the database (or dead-lettered),
   * so a crash during the replay leaves the file, not a gap. If the database goes away halfway,
   * the file is rewritten with only the rows still to write.
   */
  private async replaySpool() {
    const [name] = await this.listSpool();
    if (!name) {
      this.spoolFiles = 0;
      return;
    }
    const file = path.join(this.options.spoolDir, name);
    const records: LogRecord[] = [];
    const unreadable: DeadLetterLine[] = [];
    for (const line of (await readFile(file, "utf8")).split("\n")) {
      if (!line) continue;
      try {
        records.push(JSON.parse(line) as LogRecord);
      } catch (error) {
        // The last line of a file being appended when the process was killed.
        unreadable.push({ at: new Date().toISOString(), sqlState: undefined, reason: `spool line is not JSON: ${(error as Error).message}`, raw: line });
      }
    }
    if (unreadable.length) await this.deadLetter(unreadable);
    const settled = new Set<LogRecord>();
    for (let i = 0; i < records.length; i += this.options.batchSize) {
      try {
        await this.writeIsolating(records.slice(i, i + this.options.batchSize), settled);
      } catch (error) {
        const left = records.filter((r) => !settled.has(r));
        const tmp = `${file}.tmp`;
        await writeFile(tmp, left.map((r) => JSON.stringify(r)).join("\n") + "\n", { mode: 0o600 });
        await rename(tmp, file);
        this.failed(error);
        return;
      }
    }
    await unlink(file);
    this.spoolFiles = Math.max(0, this.spoolFiles - 1);
    this.logger.info({ rows: records.length, file: name }, "request-log spool file written");
  }
}
