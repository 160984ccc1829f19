/** Providers' active time windows ("HH:mm"–"HH:mm" in the system time zone; may wrap midnight). */

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Minutes since local midnight in a time zone. */
export function localMinutes(now: number, timeZone: string): number {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    formatters.set(timeZone, f);
  }
  const parts = f.formatToParts(new Date(now));
  const hour = Number(parts.find((p) => p.type === "hour")?.value ?? 0);
  const minute = Number(parts.find((p) => p.type === "minute")?.value ?? 0);
  return hour * 60 + minute;
}

function parseHm(value: string): number | null {
  const m = /^(\d{1,2}):(\d{2})$/.exec(value.trim());
  if (!m) return null;
  return Number(m[1]) * 60 + Number(m[2]);
}

export function isActive(start: string | null, end: string | null, now: number, timeZone: string): boolean {
  if (!start || !end) return true;
  const s = parseHm(start);
  const e = parseHm(end);
  if (s === null || e === null || s === e) return true;
  const t = localMinutes(now, timeZone);
  return s < e ? t >= s && t < e : t >= s || t < e;
}
