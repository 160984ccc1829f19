/**
 * The hub's own English texts, as stored in the log and returned by the API (limit refusals,
 * login failures, the member view's classified errors, built-in rule descriptions), shown in the
 * viewer's language. The server keeps writing one language — clients and scripts read those
 * texts — and the dashboard translates the ones it knows when it shows them.
 *
 * Exact texts are dictionary entries under "hub.*" whose English value is the hub's text; texts
 * with numbers in them are matched by the patterns below. Anything else is shown as it is.
 */
import type { dashboardEn } from "../i18n/dashboard-en.ts";
import type { MessageKey } from "../i18n/index.ts";

type Key = keyof typeof dashboardEn;
type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

/** Codes the hub writes (decision-chain reasons, error-rule categories) → dictionary keys. */
export const CODE_KEYS: Record<string, Key> = {
  disabled: "code.disabled",
  format_mismatch: "code.format_mismatch",
  group_mismatch: "code.group_mismatch",
  model_not_allowed: "code.model_not_allowed",
  outside_schedule: "code.outside_schedule",
  breaker_open: "code.breaker_open",
  breaker_half_open_busy: "code.breaker_half_open_busy",
  limit: "code.limit",
  client_error: "code.client_error",
  provider_error: "code.provider_error",
  provider_quota: "code.provider_quota",
  rate_limit: "code.rate_limit",
  auth_error: "code.auth_error",
  content_filter: "code.content_filter",
  network_error: "code.network_error",
  timeout: "code.timeout",
};

const WHO: Record<string, Key> = { "API key": "hub.whoKey", user: "hub.whoUser", provider: "hub.whoProvider" };
const LIMIT_NAMES: Record<string, MessageKey> = {
  "requests per minute": "limits.rpm",
  "concurrent sessions": "limits.concurrent",
  "5-hour spending limit": "limits.fiveHour",
  "daily spending limit": "limits.daily",
  "weekly spending limit": "limits.weekly",
  "monthly spending limit": "limits.monthly",
  "total spending limit": "limits.total",
};

interface Pattern {
  re: RegExp;
  render: (m: RegExpMatchArray, t: Translate) => string | null;
}

const PATTERNS: Pattern[] = [
  {
    // limit-error.ts: "The user's daily spending limit is reached: $0.09 spent + $0.21 held by requests in flight, limit $0.30. It resets at 2026-…Z."
    re: /^The (API key|user|provider)'s (.+?) is reached: (\$[\d.]+) spent(?: \+ (\$[\d.]+) held by requests in flight)?, limit (\$[\d.]+)\.(.*)$/s,
    render: (m, t) => {
      const who = WHO[m[1]];
      const name = LIMIT_NAMES[m[2]];
      if (!who || !name) return null;
      const main = m[4]
        ? t("hub.moneyLimitHeld", { who: t(who), limit: t(name), spent: m[3], held: m[4], max: m[5] })
        : t("hub.moneyLimit", { who: t(who), limit: t(name), spent: m[3], max: m[5] });
      return `${main}${resetTail(m[6], t)}`;
    },
  },
  {
    re: /^The (API key|user|provider)'s (requests per minute|concurrent sessions) is reached: (\d+) of (\d+)\.(.*)$/s,
    render: (m, t) => {
      const who = WHO[m[1]];
      const name = LIMIT_NAMES[m[2]];
      if (!who || !name) return null;
      return `${t("hub.countLimit", { who: t(who), limit: t(name), current: m[3], max: m[4] })}${resetTail(m[5], t)}`;
    },
  },
  {
    // server/admin/log-member-view.ts: "The upstream answered with an error. (HTTP 429)"
    re: /^(.+\.) \(HTTP (\d{3})\)$/s,
    render: (m, t) => {
      const inner = exact(m[1], t);
      return inner === null ? null : `${inner}（HTTP ${m[2]}）`;
    },
  },
  {
    re: /^This (API key|user of this API key) expired at (.+)\.$/,
    render: (m, t) => t(m[1] === "API key" ? "hub.keyExpiredAt" : "hub.userExpiredAt", { time: m[2] }),
  },
  {
    re: /^This user may not use the model "(.*)"\.$/s,
    render: (m, t) => t("hub.modelNotAllowed", { model: m[1] }),
  },
];

/**
 * Refusals whose English has parameters but no parts to translate: the dictionary's English
 * template is the pattern ({name} matches any text), the parameters are carried over as they are.
 */
const TEMPLATE_KEYS: Key[] = ["hub.sensitiveWord", "hub.clientBlocked", "hub.clientNotAllowed", "hub.clientTooOld", "hub.bodyTooLarge", "hub.bodyBudget"];

let templates: Array<{ key: Key; re: RegExp; names: string[] }> | null = null;

function templateMatch(text: string, t: Translate): string | null {
  for (const template of templates ?? []) {
    const m = text.match(template.re);
    if (m) return t(template.key, Object.fromEntries(template.names.map((name, i) => [name, m[i + 1]])));
  }
  return null;
}

function templateOf(key: Key, english: string) {
  const names: string[] = [];
  const source = english
    .split(/(\{\w+\})/)
    .map((part) => {
      const name = part.match(/^\{(\w+)\}$/)?.[1];
      if (!name) return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      names.push(name);
      return "(.+?)";
    })
    .join("");
  return { key, re: new RegExp(`^${source}$`, "s"), names };
}

function resetTail(tail: string, t: Translate): string {
  const text = tail.trim();
  if (!text) return "";
  const at = text.match(/^It resets at (\S+)\.$/);
  if (at) return t("hub.resetsAt", { time: at[1] });
  return exact(text, t) ?? ` ${text}`;
}

let byEnglish: Map<string, Key> | null = null;

function exact(text: string, t: Translate): string | null {
  if (!byEnglish) return null;
  const key = byEnglish.get(text);
  return key ? t(key) : null;
}

/** Builds the reverse index once from the English dictionary (hub.* entries only). */
export function indexHubTexts(english: Record<string, string>) {
  if (byEnglish) return;
  templates = TEMPLATE_KEYS.map((key) => templateOf(key, english[key]));
  byEnglish = new Map(
    Object.entries(english)
      .filter(([key]) => key.startsWith("hub.") && !TEMPLATE_KEYS.includes(key as Key))
      .map(([key, value]) => [value, key as Key]),
  );
}

/** The hub's text in the viewer's language, or the text itself when it is not one the dashboard knows. */
export function translateHubText(text: string, t: Translate): string {
  const whole = exact(text, t);
  if (whole !== null) return whole;
  for (const pattern of PATTERNS) {
    const m = text.match(pattern.re);
    if (m) {
      const out = pattern.render(m, t);
      if (out !== null) return out;
    }
  }
  return templateMatch(text, t) ?? text;
}

/** A code the hub writes (a reason, a category), named in the viewer's language; unknown codes as they are. */
export function codeLabel(code: string, t: Translate): string {
  const key = CODE_KEYS[code];
  return key ? t(key) : code;
}
