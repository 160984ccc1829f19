/**
 * The log filters live in the URL (?from=&to=&range=&userId=&keyId=&providerId=&model=&statusCode=
 * &errorsOnly=1&sessionId=&requestId=&page=&pageSize=), so a filtered view can be bookmarked and
 * shared. Malformed values are ignored, not errors.
 */
import { isoToWallTime, wallTimeToIso } from "../lib/time-zone.ts";

export const PAGE_SIZES = [20, 50, 100, 200] as const;
export const DEFAULT_PAGE_SIZE = 50;

/** Quick ranges, resolved against the clock when the page loads (so a bookmark of "today" stays today). */
export const QUICK_RANGES = ["1h", "today", "7d"] as const;
export type QuickRange = (typeof QUICK_RANGES)[number];

/** Text filters are matched exactly; longer values cannot match a stored id and are dropped. */
const MAX_SESSION_ID = 1000;
const MAX_REQUEST_ID = 200;

export interface LogFilters {
  from?: string;
  to?: string;
  range?: QuickRange;
  userId?: number;
  keyId?: number;
  providerId?: number;
  model?: string;
  statusCode?: number;
  errorsOnly?: boolean;
  sessionId?: string;
  requestId?: string;
  page: number;
  pageSize: number;
}

function positiveInt(value: string | null): number | undefined {
  if (!value) return undefined;
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

function isoTime(value: string | null): string | undefined {
  if (!value) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

function bounded(value: string | null, max: number): string | undefined {
  const text = value?.trim();
  return text && text.length <= max ? text : undefined;
}

export function parseLogFilters(params: URLSearchParams): LogFilters {
  const status = positiveInt(params.get("statusCode"));
  const pageSize = positiveInt(params.get("pageSize"));
  const range = params.get("range");
  return {
    from: isoTime(params.get("from")),
    to: isoTime(params.get("to")),
    range: (QUICK_RANGES as readonly string[]).includes(range ?? "") ? (range as QuickRange) : undefined,
    userId: positiveInt(params.get("userId")),
    keyId: positiveInt(params.get("keyId")),
    providerId: positiveInt(params.get("providerId")),
    model: params.get("model")?.trim() || undefined,
    statusCode: status && status >= 100 && status <= 599 ? status : undefined,
    errorsOnly: params.get("errorsOnly") === "1" ? true : undefined,
    sessionId: bounded(params.get("sessionId"), MAX_SESSION_ID),
    requestId: bounded(params.get("requestId"), MAX_REQUEST_ID),
    page: positiveInt(params.get("page")) ?? 1,
    pageSize: pageSize && (PAGE_SIZES as readonly number[]).includes(pageSize) ? pageSize : DEFAULT_PAGE_SIZE,
  };
}

/** Where a quick range starts: an hour ago, midnight in the viewer's zone, or seven days ago. */
export function rangeStart(range: QuickRange, nowMs: number, timeZone: string): string {
  if (range === "1h") return new Date(nowMs - 3600_000).toISOString();
  if (range === "7d") return new Date(nowMs - 7 * 86400_000).toISOString();
  const today = isoToWallTime(new Date(nowMs).toISOString(), timeZone).slice(0, 10);
  return wallTimeToIso(`${today}T00:00`, timeZone);
}

/** The filters as logs.list takes them: a quick range becomes `from` (and replaces from/to). */
export function toLogQuery(filters: LogFilters, nowMs: number, timeZone: string) {
  const { range, from, to, ...rest } = filters;
  return range ? { ...rest, from: rangeStart(range, nowMs, timeZone) } : { ...rest, from, to };
}

/** The query string for filters, leaving out defaults and empty values. */
export function logFiltersToSearch(filters: Partial<LogFilters>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(filters)) {
    if (value === undefined || value === "" || value === false) continue;
    if (name === "page" && value === 1) continue;
    if (name === "pageSize" && value === DEFAULT_PAGE_SIZE) continue;
    params.set(name, value === true ? "1" : String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}
