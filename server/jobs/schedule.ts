/**
 * Times of day for scheduled jobs: "HH:MM" (24-hour) in the system time zone. A time that does
 * not parse is refused when it is saved (parseTimeOfDay), never guessed at when a job is due.
 */
import { localParts, zonedTime } from "../domain/quota/windows.ts";

const TIME_OF_DAY = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** "03:00" → { hour: 3, minute: 0 }; null for anything else ("3:00", "24:00", "3pm", "03:60"). */
export function parseTimeOfDay(value: string): { hour: number; minute: number } | null {
  const m = TIME_OF_DAY.exec(value);
  return m ? { hour: Number(m[1]), minute: Number(m[2]) } : null;
}

export function isTimeOfDay(value: string): boolean {
  return parseTimeOfDay(value) !== null;
}

/**
 * The first instant strictly after `now` at which the zone's wall clock shows `time`. On a day
 * whose clocks skip that time (DST), it is the instant the skipped time maps to.
 */
export function nextOccurrence(now: number, time: string, timeZone: string): number {
  const hm = parseTimeOfDay(time);
  if (!hm) throw new Error(`not a time of day (HH:MM): ${JSON.stringify(time)}`);
  const p = localParts(now, timeZone);
  for (let dayOffset = 0; dayOffset <= 2; dayOffset++) {
    const d = new Date(Date.UTC(p.year, p.month - 1, p.day + dayOffset));
    const at = zonedTime(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), hm.hour, hm.minute, timeZone);
    if (at > now) return at;
  }
  throw new Error("no occurrence within two days"); // unreachable for a valid zone
}
