/**
 * The log filters live in the URL (?from=&to=&userId=&providerId=&model=&statusCode=&page=&pageSize=),
 * so a filtered view can be bookmarked and shared. Malformed values are ignored, not errors.
 */

export const PAGE_SIZES = [20, 50, 100, 200] as const;
export const DEFAULT_PAGE_SIZE = 50;

export interface LogFilters {
  from?: string;
  to?: string;
  userId?: number;
  providerId?: number;
  model?: string;
  statusCode?: number;
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

export function parseLogFilters(params: URLSearchParams): LogFilters {
  const status = positiveInt(params.get("statusCode"));
  const pageSize = positiveInt(params.get("pageSize"));
  return {
    from: isoTime(params.get("from")),
    to: isoTime(params.get("to")),
    userId: positiveInt(params.get("userId")),
    providerId: positiveInt(params.get("providerId")),
    model: params.get("model")?.trim() || undefined,
    statusCode: status && status >= 100 && status <= 599 ? status : undefined,
    page: positiveInt(params.get("page")) ?? 1,
    pageSize: pageSize && (PAGE_SIZES as readonly number[]).includes(pageSize) ? pageSize : DEFAULT_PAGE_SIZE,
  };
}

/** The query string for filters, leaving out defaults and empty values. */
export function logFiltersToSearch(filters: Partial<LogFilters>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(filters)) {
    if (value === undefined || value === "") continue;
    if (name === "page" && value === 1) continue;
    if (name === "pageSize" && value === DEFAULT_PAGE_SIZE) continue;
    params.set(name, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}
