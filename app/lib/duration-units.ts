/**
 * Durations the hub stores in milliseconds, typed by people in seconds or minutes. The admin API
 * keeps milliseconds; only the dashboard's inputs speak these units, converting here both ways.
 */

export type DurationUnit = "s" | "min";

export const MS_PER_UNIT: Record<DurationUnit, number> = { s: 1000, min: 60_000 };

/** Up to this many decimals are shown when they say the value exactly (1.5 s, 0.25 min). */
const SHOWN_DECIMALS = 3;

/**
 * The text an input shows for a stored duration: 30 000 ms → "30" (s), 1 800 000 ms → "30" (min),
 * 1 500 ms → "1.5" (s). A value that 3 decimals cannot say exactly (10 000 ms in minutes) keeps
 * all its digits, so saving an untouched form never changes it.
 */
export function msToUnitText(ms: number, unit: DurationUnit): string {
  const value = ms / MS_PER_UNIT[unit];
  const rounded = Number(value.toFixed(SHOWN_DECIMALS));
  return String(Math.round(rounded * MS_PER_UNIT[unit]) === ms ? rounded : value);
}

/** A number typed in `unit` → whole milliseconds (the hub's resolution). */
export function unitToMs(value: number, unit: DurationUnit): number {
  return Math.round(value * MS_PER_UNIT[unit]);
}

/** A bound in milliseconds, said in `unit` (for "between 0 and 600" messages). */
export function msToUnit(ms: number, unit: DurationUnit): number {
  return ms / MS_PER_UNIT[unit];
}
