/**
 * Price sync: brings the price table up to date from a LiteLLM-style price file
 * (model_prices_and_context_window.json: { "<model>": { "input_cost_per_token": …, … } }).
 *
 * Rules, so that a sync can never make billing worse:
 * - the whole file is fetched and validated before anything is written; a failed download,
 *   a file that is not a price file, or one without a single usable entry changes nothing;
 * - rows an admin entered by hand (source "manual") are never overwritten;
 * - nothing is ever deleted (a model missing from the file keeps its last known price);
 * - the writes happen in one transaction.
 */
import { fetch } from "undici";
import type { Db } from "../db/database.ts";
import { priceDataSchema, type PriceData } from "../domain/prices.ts";
import type { Logger } from "../logger.ts";

export const PRICE_SYNC_TIMEOUT_MS = 30_000;
/** LiteLLM's file is a few MB; anything far larger is not what we asked for. */
const MAX_FILE_BYTES = 64 * 1024 * 1024;
const MAX_MODEL_NAME = 200;

/** The per-token price fields of a price entry; an entry needs at least one to be billable. */
export const PER_TOKEN_PRICE_FIELDS = Object.keys(priceDataSchema.shape).filter((field) => /cost_per_token|_token_cost/.test(field)) as Array<
  keyof PriceData
>;

/** Fields kept from a synced entry: the prices and a few descriptive ones; the rest of LiteLLM's metadata is not ours to keep. */
const KEPT_FIELDS = Object.keys(priceDataSchema.shape) as Array<keyof PriceData>;

export interface PriceSyncCounts {
  /** Models that had no row before. */
  added: number;
  /** Synced rows (builtin or litellm) whose prices changed. */
  updated: number;
  /** Synced rows whose prices were already current. */
  unchanged: number;
  /** Entries for models an admin priced by hand: left alone. */
  skippedManual: number;
  /** Entries that are not valid price data. */
  invalid: number;
  /** Valid entries without any per-token price (image, audio or per-request pricing). */
  skippedNoTokenPrice: number;
}

export class PriceSyncError extends Error {
  override readonly name = "PriceSyncError";
}

export interface ParsedPriceFile {
  entries: Map<string, PriceData>;
  invalid: number;
  skippedNoTokenPrice: number;
}

/** Validates a price file's JSON; throws PriceSyncError when it is not a price file at all. */
export function parsePriceFile(json: unknown): ParsedPriceFile {
  if (!json || typeof json !== "object" || Array.isArray(json)) throw new PriceSyncError("the price file is not a JSON object of models");
  const entries = new Map<string, PriceData>();
  let invalid = 0;
  let skippedNoTokenPrice = 0;
  for (const [modelName, value] of Object.entries(json as Record<string, unknown>)) {
    // LiteLLM documents its fields in a "sample_spec" entry whose values are descriptions.
    if (modelName === "sample_spec") continue;
    const parsed = priceDataSchema.safeParse(value);
    if (!parsed.success || !modelName.trim() || modelName.length > MAX_MODEL_NAME) {
      invalid++;
      continue;
    }
    if (!PER_TOKEN_PRICE_FIELDS.some((field) => parsed.data[field] !== undefined)) {
      skippedNoTokenPrice++;
      continue;
    }
    const kept: Record<string, unknown> = {};
    for (const field of KEPT_FIELDS) if (parsed.data[field] !== undefined) kept[field] = parsed.data[field];
    entries.set(modelName, kept as PriceData);
  }
  return { entries, invalid, skippedNoTokenPrice };
}

/** Downloads and validates a price file. Throws PriceSyncError with a message for people. */
export async function fetchPriceFile(url: string, timeoutMs = PRICE_SYNC_TIMEOUT_MS): Promise<ParsedPriceFile> {
  let text: string;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: "application/json" } });
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw new PriceSyncError(`the price file could not be downloaded: HTTP ${response.status}`);
    }
    const declared = Number(response.headers.get("content-length") ?? 0);
    if (declared > MAX_FILE_BYTES) {
      await response.body?.cancel().catch(() => undefined);
      throw new PriceSyncError(`the price file is too large (${declared} bytes)`);
    }
    text = await response.text();
  } catch (error) {
    if (error instanceof PriceSyncError) throw error;
    const e = error as Error;
    if (e.name === "TimeoutError" || e.name === "AbortError") throw new PriceSyncError(`the price file did not arrive within ${timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`}`);
    const cause = (e.cause as Error | undefined)?.message;
    throw new PriceSyncError(`the price file could not be downloaded: ${cause ?? e.message}`);
  }
  if (text.length > MAX_FILE_BYTES) throw new PriceSyncError("the price file is too large");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new PriceSyncError("the price file is not valid JSON");
  }
  return parsePriceFile(json);
}

/** Key order does not matter when deciding whether a price changed. */
function canonical(value: unknown): string {
  if (!value || typeof value !== "object" || Array.isArray(value)) return JSON.stringify(value);
  const record = value as Record<string, unknown>;
  return `{${Object.keys(record)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(record[k])}`)
    .join(",")}}`;
}

/** Writes a validated price file: adds and updates synced rows, never touches manual ones. */
export async function applyPriceFile(db: Db, file: ParsedPriceFile): Promise<PriceSyncCounts> {
  const counts: PriceSyncCounts = { added: 0, updated: 0, unchanged: 0, skippedManual: 0, invalid: file.invalid, skippedNoTokenPrice: file.skippedNoTokenPrice };
  if (file.entries.size === 0) throw new PriceSyncError("the price file has no model with a per-token price; nothing was changed");
  const existing = new Map((await db.modelPrice.findMany({ select: { modelName: true, source: true, priceData: true } })).map((row) => [row.modelName, row]));
  const creates: Array<{ modelName: string; priceData: object; source: string }> = [];
  const updates: Array<{ modelName: string; priceData: object }> = [];
  for (const [modelName, priceData] of file.entries) {
    const row = existing.get(modelName);
    if (!row) {
      creates.push({ modelName, priceData, source: "litellm" });
      counts.added++;
    } else if (row.source === "manual") {
      counts.skippedManual++;
    } else if (row.source === "litellm" && canonical(row.priceData) === canonical(priceData)) {
      counts.unchanged++;
    } else {
      // A built-in row whose price equals the file's still becomes a synced row (source litellm).
      updates.push({ modelName, priceData });
      counts.updated++;
    }
  }
  await db.$transaction([
    // skipDuplicates and the source condition keep a row an admin creates meanwhile intact.
    db.modelPrice.createMany({ data: creates, skipDuplicates: true }),
    ...updates.map((u) => db.modelPrice.updateMany({ where: { modelName: u.modelName, source: { not: "manual" } }, data: { priceData: u.priceData, source: "litellm" } })),
  ]);
  return counts;
}

/** The whole job: download, validate, write. Throws PriceSyncError when nothing was changed. */
export async function syncPrices(deps: { db: Db; logger: Logger }, url: string, timeoutMs = PRICE_SYNC_TIMEOUT_MS): Promise<PriceSyncCounts> {
  const started = Date.now();
  try {
    const file = await fetchPriceFile(url, timeoutMs);
    const counts = await applyPriceFile(deps.db, file);
    deps.logger.info({ ...counts, url: safeUrl(url), ms: Date.now() - started }, "price sync done");
    return counts;
  } catch (error) {
    deps.logger.warn({ err: (error as Error).message, url: safeUrl(url) }, "price sync failed; prices unchanged");
    throw error;
  }
}

/** The URL without credentials or query (it may carry a token), for logs. */
function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return "(invalid url)";
  }
}
