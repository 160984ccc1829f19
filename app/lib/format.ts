/**
 * Formatting of money, tokens, durations and dates for one language and time zone. The same
 * formatter runs on the server and in the browser, with the time zone from the root loader,
 * so hydration sees identical text.
 */

const EMPTY = "—";

/**
 * How money is shown: the hub stores, bills and limits in US dollars; the admin picks a display
 * currency and its rate per dollar. Every amount on a page goes through money() with this.
 */
export interface DisplayCurrency {
  code: "USD" | "CNY" | "EUR";
  /** Units of `code` per US dollar (1 for USD). */
  rate: number;
}

export const USD_DISPLAY: DisplayCurrency = { code: "USD", rate: 1 };

export interface Formatters {
  /** An amount stored in US dollars, in the display currency, with 4–6 decimals: request costs are often fractions of a cent. */
  money(usd: number | null | undefined): string;
  /** The same with 2–4 decimals, for limits and totals. */
  moneyShort(usd: number | null | undefined): string;
  /** The display currency's code, e.g. for an axis label. */
  currency: DisplayCurrency["code"];
  /** A whole number with the locale's grouping (token counts, request counts). */
  integer(value: number | null | undefined): string;
  /** A short form for cards: 12.3K, 4.5M. */
  compact(value: number | null | undefined): string;
  /** Milliseconds as "850 ms" or "1.25 s". */
  ms(value: number | null | undefined): string;
  /** A probability 0..1 as a percentage. */
  percent(value: number | null | undefined): string;
  /** Date and time of an ISO timestamp (or epoch ms) in the viewer's time zone. */
  dateTime(value: string | number | null | undefined): string;
  /** The date only. */
  date(value: string | number | null | undefined): string;
  /** A calendar day "YYYY-MM-DD" (already in the hub's time zone) as a short label. */
  day(value: string): string;
}

export function createFormatters(locale: string, timeZone: string, display: DisplayCurrency = USD_DISPLAY): Formatters {
  const money = new Intl.NumberFormat(locale, { style: "currency", currency: display.code, minimumFractionDigits: 4, maximumFractionDigits: 6 });
  const moneyShort = new Intl.NumberFormat(locale, { style: "currency", currency: display.code, minimumFractionDigits: 2, maximumFractionDigits: 4 });
  const rate = display.code === "USD" ? 1 : display.rate;
  const integer = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  const compact = new Intl.NumberFormat(locale, { notation: "compact", maximumFractionDigits: 1 });
  const seconds = new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const percent = new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 1 });
  // hourCycle h23: 12-hour clocks render AM/PM with spaces that differ between ICU versions
  // (Node's and Chromium's), which would make server and browser text differ.
  const dateTime = new Intl.DateTimeFormat(locale, {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  });
  const date = new Intl.DateTimeFormat(locale, { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
  const day = new Intl.DateTimeFormat(locale, { timeZone: "UTC", month: "short", day: "numeric" });

  const missing = (v: unknown): v is null | undefined => v === null || v === undefined || (typeof v === "number" && !Number.isFinite(v));
  const toDate = (v: string | number) => new Date(v);

  return {
    money: (v) => (missing(v) ? EMPTY : money.format(v * rate)),
    moneyShort: (v) => (missing(v) ? EMPTY : moneyShort.format(v * rate)),
    currency: display.code,
    integer: (v) => (missing(v) ? EMPTY : integer.format(v)),
    compact: (v) => (missing(v) ? EMPTY : compact.format(v)),
    ms: (v) => (missing(v) ? EMPTY : v < 1000 ? `${integer.format(v)} ms` : `${seconds.format(v / 1000)} s`),
    percent: (v) => (missing(v) ? EMPTY : percent.format(v)),
    dateTime: (v) => (missing(v) || v === "" ? EMPTY : dateTime.format(toDate(v))),
    date: (v) => (missing(v) || v === "" ? EMPTY : date.format(toDate(v))),
    day: (v) => {
      const [y, m, d] = v.split("-").map(Number);
      return y && m && d ? day.format(new Date(Date.UTC(y, m - 1, d))) : v;
    },
  };
}

/** A time zone name the runtime accepts, else UTC (a cookie can hold anything). */
export function safeTimeZone(value: string | undefined): string {
  if (!value) return "UTC";
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
    return value;
  } catch {
    return "UTC";
  }
}
