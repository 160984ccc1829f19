/**
 * Calendar arithmetic for quota windows in the system time zone: the start of a fixed daily
 * window (at a configurable HH:mm), of the week (Monday 00:00) and of the month (the 1st,
 * 00:00), and when each resets. All functions take the instant as an argument (no clock).
 */

interface LocalParts {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number; // 0 = Monday … 6 = Sunday
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS: Record<string, number> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };

function formatter(timeZone: string) {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      weekday: "short",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function localParts(instant: number, timeZone: string): LocalParts {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(instant))) parts[p.type] = p.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: WEEKDAYS[parts.weekday] ?? 0,
  };
}

/** Offset of the time zone from UTC at an instant, in ms (local − UTC). */
function offsetAt(instant: number, timeZone: string): number {
  const p = localParts(instant, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** The instant at which the wall clock of the zone shows the given local time. */
export function zonedTime(year: number, month: number, day: number, hour: number, minute: number, timeZone: string): number {
  const guess = Date.UTC(year, month - 1, day, hour, minute);
  let instant = guess - offsetAt(guess, timeZone);
  // Around a DST change the offset at the result may differ from the offset at the guess.
  const corrected = guess - offsetAt(instant, timeZone);
  if (corrected !== instant) instant = corrected;
  return instant;
}

export function parseHm(value: string): { hour: number; minute: number } {
  const m = /^(\d{1,2}):(\d{2})$/.exec(value);
  return m ? { hour: Number(m[1]), minute: Number(m[2]) } : { hour: 0, minute: 0 };
}

/** Start of the current fixed daily window that resets at `resetTime` (HH:mm) local time. */
export function dailyWindowStart(now: number, timeZone: string, resetTime = "00:00"): number {
  const { hour, minute } = parseHm(resetTime);
  const p = localParts(now, timeZone);
  let start = zonedTime(p.year, p.month, p.day, hour, minute, timeZone);
  if (start > now) {
    // Not yet reset today: the window began at the reset time yesterday.
    const y = new Date(Date.UTC(p.year, p.month - 1, p.day - 1));
    start = zonedTime(y.getUTCFullYear(), y.getUTCMonth() + 1, y.getUTCDate(), hour, minute, timeZone);
  }
  return start;
}

export function dailyWindowEnd(now: number, timeZone: string, resetTime = "00:00"): number {
  const start = dailyWindowStart(now, timeZone, resetTime);
  const p = localParts(start + 1000, timeZone);
  const { hour, minute } = parseHm(resetTime);
  const next = new Date(Date.UTC(p.year, p.month - 1, p.day + 1));
  return zonedTime(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), hour, minute, timeZone);
}

/** Monday 00:00 local time of the current week. */
export function weekStart(now: number, timeZone: string): number {
  const p = localParts(now, timeZone);
  const monday = new Date(Date.UTC(p.year, p.month - 1, p.day - p.weekday));
  return zonedTime(monday.getUTCFullYear(), monday.getUTCMonth() + 1, monday.getUTCDate(), 0, 0, timeZone);
}

export function weekEnd(now: number, timeZone: string): number {
  const start = weekStart(now, timeZone);
  const p = localParts(start + 1000, timeZone);
  const next = new Date(Date.UTC(p.year, p.month - 1, p.day + 7));
  return zonedTime(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), 0, 0, timeZone);
}

/** The 1st of the current month, 00:00 local time. */
export function monthStart(now: number, timeZone: string): number {
  const p = localParts(now, timeZone);
  return zonedTime(p.year, p.month, 1, 0, 0, timeZone);
}

export function monthEnd(now: number, timeZone: string): number {
  const p = localParts(now, timeZone);
  const next = new Date(Date.UTC(p.year, p.month, 1));
  return zonedTime(next.getUTCFullYear(), next.getUTCMonth() + 1, 1, 0, 0, timeZone);
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return true;
  } catch {
    return false;
  }
}
