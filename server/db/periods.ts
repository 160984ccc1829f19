/**
 * The periods the dashboard pages offer, as instants, in the system time zone: "today" starts at
 * local midnight, "week" on Monday, "month" on the 1st; a custom range is whole local days.
 */
import { dailyWindowStart, monthStart, weekStart, zonedTime } from "../domain/quota/windows.ts";
import type { Step } from "./rollups.ts";

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
/** The longest custom range (days): a year of rollups still sums in well under the page budget. */
export const MAX_RANGE_DAYS = 366;

export interface Range {
  from: number;
  to: number;
}

/** A custom range the hub cannot use, with the reason as a code (the admin API names it to the dashboard). */
export class PeriodError extends RangeError {
  constructor(
    readonly reason: "missingDays" | "backwards" | "tooLong",
    message: string,
    readonly maxDays = MAX_RANGE_DAYS,
  ) {
    super(message);
  }
}

/** Today, this week, this month, or [fromDay, toDay] inclusive ("YYYY-MM-DD", local days). */
export function calendarRange(
  period: "today" | "week" | "month" | "custom",
  now: number,
  timeZone: string,
  custom?: { fromDay: string; toDay: string },
): Range {
  if (period === "today") return { from: dailyWindowStart(now, timeZone), to: now };
  if (period === "week") return { from: weekStart(now, timeZone), to: now };
  if (period === "month") return { from: monthStart(now, timeZone), to: now };
  if (!custom) throw new PeriodError("missingDays", "a custom range needs its days");
  const [fy, fm, fd] = custom.fromDay.split("-").map(Number) as [number, number, number];
  const [ty, tm, td] = custom.toDay.split("-").map(Number) as [number, number, number];
  const from = zonedTime(fy, fm, fd, 0, 0, timeZone);
  const next = new Date(Date.UTC(ty, tm - 1, td + 1));
  const to = zonedTime(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), 0, 0, timeZone);
  if (!(to > from)) throw new PeriodError("backwards", "the range ends before it starts");
  if (to - from > MAX_RANGE_DAYS * DAY_MS + 2 * HOUR_MS) throw new PeriodError("tooLong", `a range is at most ${MAX_RANGE_DAYS} days`);
  return { from, to };
}

/** The overview's spans: today by the hour, 7 days by 6 hours, 30 days by local day. */
export function overviewSpan(span: "today" | "7d" | "30d", now: number, timeZone: string): Range & { step: Step } {
  const midnight = dailyWindowStart(now, timeZone);
  if (span === "today") return { from: midnight, to: now, step: { kind: "fixed", ms: HOUR_MS } };
  if (span === "7d") return { from: dailyWindowStart(midnight - 6 * DAY_MS + 2 * HOUR_MS, timeZone), to: now, step: { kind: "fixed", ms: 6 * HOUR_MS } };
  return { from: dailyWindowStart(midnight - 29 * DAY_MS + 2 * HOUR_MS, timeZone), to: now, step: { kind: "day", timeZone } };
}

/** The availability page's windows: the last hour by 5 minutes (from the log), 24 h by the hour, 7 days by 6 hours. */
export function availabilitySpan(span: "1h" | "24h" | "7d", now: number): Range & { stepMs: number } {
  if (span === "1h") return { from: now - HOUR_MS, to: now, stepMs: 5 * 60_000 };
  if (span === "24h") return { from: now - DAY_MS, to: now, stepMs: HOUR_MS };
  return { from: now - 7 * DAY_MS, to: now, stepMs: 6 * HOUR_MS };
}
