/**
 * Wall-clock times in a named time zone, for <input type="datetime-local"> (which has no zone).
 * The zone is the viewer's (root loader), so the server and the browser render the same value.
 */

function pad(n: number) {
  return String(n).padStart(2, "0");
}

function wallParts(epochMs: number, timeZone: string) {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(epochMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return { year: get("year"), month: get("month"), day: get("day"), hour: get("hour"), minute: get("minute"), second: get("second") };
}

/** Offset of the zone from UTC at that instant, in ms. */
function offsetMs(epochMs: number, timeZone: string): number {
  const p = wallParts(epochMs, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(epochMs / 1000) * 1000;
}

/** ISO timestamp → "YYYY-MM-DDTHH:mm" in the zone; "" when empty or invalid. */
export function isoToWallTime(iso: string | null | undefined, timeZone: string): string {
  if (!iso) return "";
  const ms = new Date(iso).getTime();
  if (Number.isNaN(ms)) return "";
  const p = wallParts(ms, timeZone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
}

/** "YYYY-MM-DDTHH:mm" in the zone → ISO timestamp; "" when empty or invalid. */
export function wallTimeToIso(value: string, timeZone: string): string {
  const m = value.match(/^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/);
  if (!m) return "";
  const asUtc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0));
  // Two passes settle the offset around daylight-saving changes.
  let guess = asUtc - offsetMs(asUtc, timeZone);
  guess = asUtc - offsetMs(guess, timeZone);
  return new Date(guess).toISOString();
}

/** "YYYY-MM-DDTHH:mm" (the wall time the rest of the app uses) → what the field shows. */
export function wallToText(wall: string): string {
  return wall ? wall.replace("T", " ").slice(0, 16) : "";
}

/** What was typed → "YYYY-MM-DDTHH:mm"; "" when empty; null when it is not a real date and time. */
export function textToWall(text: string): string | null {
  const value = text.trim();
  if (!value) return "";
  const m = value.match(/^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2}))?$/);
  if (!m) return null;
  const [year, month, day, hour, minute] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0)];
  const check = new Date(Date.UTC(year, month - 1, day, hour, minute));
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59) return null;
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${year}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}`;
}

const DAY_TEXT = /^\s*\d{4}-\d{1,2}-\d{1,2}\s*$/;

/** What was typed → "YYYY-MM-DD"; "" when empty; null when it is not a real day. */
export function textToDay(text: string): string | null {
  const wall = textToWall(text);
  if (!wall) return wall;
  return DAY_TEXT.test(text) ? wall.slice(0, 10) : null;
}

/** At most this many matches are listed (there are ~400 zones). */
const MAX_SHOWN = 50;

/** The zone's offset now, e.g. "GMT+8"; empty where the runtime cannot tell. */
export function offsetOf(zone: string): string {
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "shortOffset" }).formatToParts(new Date()).find((p) => p.type === "timeZoneName")?.value ?? "";
  } catch {
    return "";
  }
}

/** Zones matching the typed text: by name (spaces for underscores, any case) or by offset. */
export function matchZones(zones: readonly string[], text: string, offsets: (zone: string) => string = offsetOf): string[] {
  const q = text.trim().toLowerCase().replace(/\s+/g, "_");
  if (!q) return zones.slice(0, MAX_SHOWN);
  const out: string[] = [];
  for (const zone of zones) {
    if (zone.toLowerCase().includes(q) || (/[+-]\d/.test(q) && offsets(zone).toLowerCase().includes(q))) out.push(zone);
    if (out.length >= MAX_SHOWN) break;
  }
  return out;
}
