/**
 * Small maps as text, one entry per line, for the provider form:
 *   group priorities:  team-a = 0          (this provider's priority inside group team-a)
 *   custom headers:    X-Title: my-hub     (sent with every upstream request)
 * Like model-rules.ts: a textarea that round-trips exactly, no editor widget needed.
 */
import { textLines, type LinesResult } from "./form-data.ts";

/** "group = priority" lines; the priority is a whole number. */
export function parseGroupPriorities(text: string): LinesResult<Record<string, number>> {
  const map: Record<string, number> = {};
  for (const line of textLines(text)) {
    const match = /^([^=:\s][^=:]*?)\s*[=:]\s*(\d{1,9})$/.exec(line.text);
    if (!match) return { ok: false, line: line.number };
    map[match[1]] = Number(match[2]);
  }
  return { ok: true, value: map };
}

export function formatGroupPriorities(map: Record<string, number>): string {
  return Object.entries(map)
    .map(([group, priority]) => `${group} = ${priority}`)
    .join("\n");
}

/** An HTTP header name (RFC 9110 token). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** "Name: value" lines; the value may be empty but not span lines. */
export function parseHeaderLines(text: string): LinesResult<Record<string, string>> {
  const map: Record<string, string> = {};
  for (const line of textLines(text)) {
    const colon = line.text.indexOf(":");
    const name = colon > 0 ? line.text.slice(0, colon).trim() : "";
    if (!HEADER_NAME.test(name)) return { ok: false, line: line.number };
    map[name] = line.text.slice(colon + 1).trim();
  }
  return { ok: true, value: map };
}

export function formatHeaderLines(map: Record<string, string>): string {
  return Object.entries(map)
    .map(([name, value]) => `${name}: ${value}`)
    .join("\n");
}
