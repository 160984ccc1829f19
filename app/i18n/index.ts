/**
 * Languages of the dashboard. Every visible string comes from a dictionary; zh-CN is typed
 * against the English keys, so a missing or extra key is a type error.
 */
import { indexHubTexts, localizeHubTimes, translateHubText } from "../lib/hub-messages.ts";
import { en } from "./en.ts";
import { zhCN } from "./zh-CN.ts";

export const LANGS = ["en", "zh-CN"] as const;
export type Lang = (typeof LANGS)[number];
export const DEFAULT_LANG: Lang = "en";

export type MessageKey = keyof typeof en;
export type Messages = Record<MessageKey, string>;
export type Vars = Record<string, string | number>;

const DICTIONARIES: Record<Lang, Messages> = { en, "zh-CN": zhCN };

/** BCP 47 locale used by Intl for each language. */
export const LOCALES: Record<Lang, string> = { en: "en-US", "zh-CN": "zh-CN" };

export function isLang(value: unknown): value is Lang {
  return typeof value === "string" && (LANGS as readonly string[]).includes(value);
}

export function isMessageKey(value: string): value is MessageKey {
  return Object.prototype.hasOwnProperty.call(en, value);
}

function interpolate(template: string, vars: Vars | undefined): string {
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

export function translate(lang: Lang, key: MessageKey, vars?: Vars): string {
  return interpolate(DICTIONARIES[lang][key] ?? en[key], vars);
}

indexHubTexts(en);

/**
 * A message that may be a dictionary key with parameters ("form.between|min=0|max=10", from
 * app/forms) or plain text from the hub (translated when the dashboard knows it, else as is).
 */
export function translateMessage(lang: Lang, message: string, time?: (iso: string) => string): string {
  const [key, ...params] = message.split("|");
  if (!isMessageKey(key)) {
    if (lang === DEFAULT_LANG) return time ? localizeHubTimes(message, time) : message;
    return translateHubText(message, (k, vars) => translate(lang, k, vars), time);
  }
  const vars: Vars = {};
  for (const param of params) {
    const eq = param.indexOf("=");
    // Escaped by messageRef (app/lib/trpc-errors.ts); app/forms' own parameters are numbers and names.
    if (eq > 0) vars[param.slice(0, eq)] = param.slice(eq + 1).replaceAll("%7C", "|").replaceAll("%25", "%");
  }
  return translate(lang, key, vars);
}

/**
 * A message the hub answered to a form or an action (app/lib/guards.server.ts): a dictionary key
 * (field checks, the hub's coded errors), a hub text the dashboard knows, or — the last resort —
 * the hub's English as it came, marked in other languages as not translated.
 */
export function translateServerMessage(lang: Lang, message: string): string {
  const [key] = message.split("|");
  if (lang === DEFAULT_LANG || isMessageKey(key)) return translateMessage(lang, message);
  const known = translateHubText(message, (k, vars) => translate(lang, k, vars));
  return known !== message ? known : translate(lang, "form.serverMessage", { text: message });
}

/**
 * The language of a first visit (no `lang` cookie yet) from the browser's Accept-Language: the
 * supported language with the highest q, Chinese in any variant counted as zh-CN; else English.
 */
export function negotiateLang(header: string | null | undefined): Lang {
  if (!header) return DEFAULT_LANG;
  let best: { lang: Lang; q: number } | null = null;
  // A header is a handful of tags; the cut bounds the work on a hostile one.
  for (const part of header.slice(0, 500).split(",").slice(0, 20)) {
    const [tag, ...params] = part.trim().split(";");
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q) || q <= 0) continue;
    const lower = tag.toLowerCase();
    const lang: Lang | null = lower === "zh" || lower.startsWith("zh-") ? "zh-CN" : lower === "en" || lower.startsWith("en-") ? "en" : null;
    if (lang && (!best || q > best.q)) best = { lang, q };
  }
  return best?.lang ?? DEFAULT_LANG;
}
