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
  /**
   * An amount stored in US dollars, in the display currency, to 2 decimals: totals, limits,
   * spend, what is left. A positive amount under half a cent reads "<$0.01", never "$0.00".
   */
  money(usd: number | null | undefined): string;
  /** Full precision (2–6 decimals), for details: one request's cost and its breakdown, prices. */
  moneyExact(usd: number | null | undefined): string;
  /** @deprecated the same as money() (kept for code written before the 2-decimal rule). */
  moneyShort(usd: number | null | undefined): string;
  /** The display currency's code, e.g. for an axis label. */
  currency: DisplayCurrency["code"];
  /** A whole number with the locale's grouping (token counts, request counts). */
  integer(value: number | null | undefined): string;
  /** A short form for cards: 12.3K, 4.5M. */
  compact(value: number | null | undefined): string;
  /** Milliseconds in human units: "0.85 s", "12.4 s", "2 min 05 s", "1 h 02 min". */
  duration(ms: number | null | undefined): string;
  /** @deprecated the same as duration(). */
  ms(value: number | null | undefined): string;
  /** A probability 0..1 as a percentage. */
  percent(value: number | null | undefined): string;
  /** Date and time of an ISO timestamp (or epoch ms) in the viewer's time zone. */
  dateTime(value: string | number | null | undefined): string;
  /** The date only. */
  date(value: string | number | null | undefined): string;
  /** The time of day only (HH:mm), for "frees up at" within the next day. */
  time(value: string | number | null | undefined): string;
  /** A calendar day "YYYY-MM-DD" (already in the hub's time zone) as a short label. */
  day(value: string): string;
}

/** Unit words per language. Intl's unit style is not used: its narrow forms differ between the ICU of Node and of the browser, which would break hydration. */
const UNITS = {
  en: { s: " s", min: " min", h: " h" },
  zh: { s: " 秒", min: " 分钟", h: " 小时" },
} as const;

export function createFormatters(locale: string, timeZone: string, display: DisplayCurrency = USD_DISPLAY): Formatters {
  // narrowSymbol: "$" in every language (zh-CN's default symbol for USD is "US$"), "¥" for CNY.
  const currency = { style: "currency", currency: display.code, currencyDisplay: "narrowSymbol" } as const;
  const money = new Intl.NumberFormat(locale, { ...currency, minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const moneyExact = new Intl.NumberFormat(locale, { ...currency, minimumFractionDigits: 2, maximumFractionDigits: 6 });
  const rate = display.code === "USD" ? 1 : display.rate;
  const integer = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  const compact = new Intl.NumberFormat(locale, { notation: "compact", maximumFractionDigits: 1 });
  const twoDecimals = new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const oneDecimal = new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const twoDigits = new Intl.NumberFormat(locale, { minimumIntegerDigits: 2, maximumFractionDigits: 0 });
  const percent = new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 1 });
  const units = locale.startsWith("zh") ? UNITS.zh : UNITS.en;
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
  const time = new Intl.DateTimeFormat(locale, { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  const day = new Intl.DateTimeFormat(locale, { timeZone: "UTC", month: "short", day: "numeric" });

  const missing = (v: unknown): v is null | undefined => v === null || v === undefined || (typeof v === "number" && !Number.isFinite(v));
  const toDate = (v: string | number) => new Date(v);

  const summary = (v: number | null | undefined) => {
    if (missing(v)) return EMPTY;
    const shown = v * rate;
    // Rounding a fraction of a cent to "$0.00" would read as "free".
    if (shown > 0 && shown < 0.005) return `<${money.format(0.01)}`;
    return money.format(shown);
  };

  const duration = (v: number | null | undefined) => {
    if (missing(v)) return EMPTY;
    const ms = Math.max(0, v);
    if (ms < 10_000) return `${twoDecimals.format(ms / 1000)}${units.s}`;
    if (ms < 60_000) return `${oneDecimal.format(ms / 1000)}${units.s}`;
    const totalSeconds = Math.round(ms / 1000);
    if (totalSeconds < 3600) return `${integer.format(Math.floor(totalSeconds / 60))}${units.min} ${twoDigits.format(totalSeconds % 60)}${units.s}`;
    const totalMinutes = Math.round(ms / 60_000);
    return `${integer.format(Math.floor(totalMinutes / 60))}${units.h} ${twoDigits.format(totalMinutes % 60)}${units.min}`;
  };

  return {
    money: summary,
    moneyExact: (v) => (missing(v) ? EMPTY : moneyExact.format(v * rate)),
    moneyShort: summary,
    currency: display.code,
    integer: (v) => (missing(v) ? EMPTY : integer.format(v)),
    compact: (v) => (missing(v) ? EMPTY : compact.format(v)),
    duration,
    ms: duration,
    percent: (v) => (missing(v) ? EMPTY : percent.format(v)),
    dateTime: (v) => (missing(v) || v === "" ? EMPTY : dateTime.format(toDate(v))),
    date: (v) => (missing(v) || v === "" ? EMPTY : date.format(toDate(v))),
    time: (v) => (missing(v) || v === "" ? EMPTY : time.format(toDate(v))),
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
