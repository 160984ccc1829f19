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
/** An instant the hub wrote (ISO 8601) as the dashboard shows dates: the viewer's language and zone. */
type FormatTime = (iso: string) => string;

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
  // How an attempt failed when no error rule matched (server/gateway/resilience/classify.ts).
  client_abort: "code.client_abort",
  fake_200: "code.fake_200",
  empty_stream: "code.empty_stream",
  not_found: "code.not_found",
  request_rejected: "code.request_rejected",
  rate_limited: "code.rate_limited",
  provider_auth: "code.provider_auth",
};

/** A request's error type (the gateway's error kinds, and the upstream's own error answer) → dictionary keys. */
export const ERROR_TYPE_KEYS: Record<string, Key> = {
  invalid_request: "errorType.invalid_request",
  authentication: "errorType.authentication",
  quota_exceeded: "errorType.quota_exceeded",
  permission: "errorType.permission",
  not_found: "errorType.not_found",
  request_too_large: "errorType.request_too_large",
  rate_limited: "errorType.rate_limited",
  client_closed: "errorType.client_closed",
  internal: "errorType.internal",
  bad_gateway: "errorType.bad_gateway",
  no_provider: "errorType.no_provider",
  upstream_timeout: "errorType.upstream_timeout",
  upstream_http_error: "errorType.upstream_http_error",
  network_error: "errorType.network_error",
};

/** A request filter's phase, target, action and binding (app/forms/filter-form.ts) → dictionary keys. */
export const FILTER_WORD_KEYS: Record<string, Key> = {
  request: "filters.phaseRequest",
  response: "filters.phaseResponse",
  header: "filters.scopeHeader",
  body: "filters.scopeBody",
  set: "filters.actionSet",
  delete: "filters.actionDelete",
  replace: "filters.actionReplace",
  global: "filters.bindingGlobal",
  providers: "filters.bindingProviders",
  groups: "filters.bindingGroups",
};

/** What refused a request before any provider was tried (the log's blocked_by) → dictionary keys. */
export const BLOCKED_BY_KEYS: Record<string, Key> = {
  auth: "blockedBy.auth",
  body_budget: "blockedBy.body_budget",
  client_version: "blockedBy.client_version",
  client_blocked: "blockedBy.client_blocked",
  client_not_allowed: "blockedBy.client_not_allowed",
  model_not_allowed: "blockedBy.model_not_allowed",
  no_provider: "blockedBy.no_provider",
  quota: "blockedBy.quota",
  quota_store_unavailable: "blockedBy.quota_store_unavailable",
  rate_limit: "blockedBy.rate_limit",
  rpm: "blockedBy.rpm",
  sensitive_word: "blockedBy.sensitive_word",
  warmup: "blockedBy.warmup",
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
  render: (m: RegExpMatchArray, t: Translate, time: FormatTime) => string | null;
}

const PATTERNS: Pattern[] = [
  {
    // limit-error.ts: "The user's daily spending limit is reached: $0.09 spent + $0.21 held by requests in flight, limit $0.30. It resets at 2026-…Z."
    re: /^The (API key|user|provider)'s (.+?) is reached: (\$[\d.]+) spent(?: \+ (\$[\d.]+) held by requests in flight)?, limit (\$[\d.]+)\.(.*)$/s,
    render: (m, t, time) => {
      const who = WHO[m[1]];
      const name = LIMIT_NAMES[m[2]];
      if (!who || !name) return null;
      const main = m[4]
        ? t("hub.moneyLimitHeld", { who: t(who), limit: t(name), spent: m[3], held: m[4], max: m[5] })
        : t("hub.moneyLimit", { who: t(who), limit: t(name), spent: m[3], max: m[5] });
      return `${main}${resetTail(m[6], t, time)}`;
    },
  },
  {
    re: /^The (API key|user|provider)'s (requests per minute|concurrent sessions) is reached: (\d+) of (\d+)\.(.*)$/s,
    render: (m, t, time) => {
      const who = WHO[m[1]];
      const name = LIMIT_NAMES[m[2]];
      if (!who || !name) return null;
      return `${t("hub.countLimit", { who: t(who), limit: t(name), current: m[3], max: m[4] })}${resetTail(m[5], t, time)}`;
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
    // steps/admit.ts: "No provider is available for model M in group(s) G: the eligible providers are unavailable (2 with an open circuit breaker)."
    re: /^No provider is available for model (.+?) in group\(s\) (.*?): (.+)\.$/s,
    render: (m, t) => {
      const why = noProviderReason(m[3], t);
      return why === null ? null : t("hubText.noProvider", { model: m[1], groups: m[2], why });
    },
  },
  {
    // steps/stream-response.ts, an attempt's error: "upstream answered 400: {…the upstream's body…}"
    re: /^upstream answered (\d{3}): (.*)$/s,
    render: (m, t) => t("hubText.upstreamAnswered", { status: m[1], body: m[2] }),
  },
  {
    // steps/forward.ts, a converted answer without a message of its own.
    re: /^The upstream answered (\d{3})\.$/,
    render: (m, t) => t("hubText.upstreamAnsweredStatus", { status: m[1] }),
  },
  {
    // steps/authenticate.ts: "This API key expired at …" / "The user of this API key expired at …"
    re: /^(This API key|The user of this API key) expired at (.+)\.$/,
    render: (m, t, time) => t(m[1] === "This API key" ? "hub.keyExpiredAt" : "hub.userExpiredAt", { time: time(m[2]) }),
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
const TEMPLATE_KEYS: Key[] = [
  "hub.sensitiveWord",
  "hub.clientBlocked",
  "hub.clientNotAllowed",
  "hub.clientTooOld",
  "hub.bodyTooLarge",
  "hub.bodyBudget",
  // Why a request filter was skipped (server/gateway/filters/apply.ts), in the log detail's chain.
  "hub.filterParentAbsent",
  "hub.filterAbsent",
  "hub.filterNotText",
  "hub.filterCredentials",
];

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

/** The why of a no-provider refusal (describeSkips and the all-filtered case in steps/admit.ts). */
function noProviderReason(why: string, t: Translate): string | null {
  if (why === "every provider is disabled, filtered out or of another type") return t("hubText.allFiltered");
  if (why === "no eligible provider is available") return t("hubText.noneEligible");
  const m = why.match(/^the eligible providers are unavailable \((.+)\)$/);
  if (!m) return null;
  const parts = m[1].split(", ").map((part) => {
    const breakers = part.match(/^(\d+) with an open circuit breaker$/);
    if (breakers) return t("hubText.breakersOpen", { n: breakers[1] });
    const limits = part.match(/^(\d+) at their own limits$/);
    return limits ? t("hubText.atLimits", { n: limits[1] }) : null;
  });
  if (parts.includes(null)) return null;
  return t("hubText.unavailable", { parts: parts.join(t("hubText.listSeparator")) });
}

function resetTail(tail: string, t: Translate, time: FormatTime): string {
  const text = tail.trim();
  if (!text) return "";
  const at = text.match(/^It resets at (\S+)\.$/);
  if (at) return t("hub.resetsAt", { time: time(at[1]) });
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
export function translateHubText(text: string, t: Translate, time: FormatTime = (iso) => iso): string {
  const whole = exact(text, t);
  if (whole !== null) return whole;
  for (const pattern of PATTERNS) {
    const m = text.match(pattern.re);
    if (m) {
      const out = pattern.render(m, t, (iso) => (Number.isNaN(Date.parse(iso)) ? iso : time(iso)));
      if (out !== null) return out;
    }
  }
  return templateMatch(text, t) ?? text;
}

/** A code the hub writes (a reason, a category), named in the viewer's language; unknown codes as they are. */
export function codeLabel(code: string, t: Translate, table: Record<string, Key> = CODE_KEYS): string {
  const key = table[code];
  return key ? t(key) : code;
}

/**
 * A request's error type in the viewer's language. The rollups name a failure without a type
 * by its status ("http_503"), which reads as "HTTP 503" in any language.
 */
export function errorTypeLabel(code: string, t: Translate): string {
  const status = code.match(/^http_(\d{3})$/);
  return status ? `HTTP ${status[1]}` : codeLabel(code, t, ERROR_TYPE_KEYS);
}

const RESETS_AT = /^(.* It resets at )(\S+)(\.)$/s;
const EXPIRED_AT = /^((?:This API key|The user of this API key) expired at )(\S+)(\.)$/;

/**
 * The hub's English text with the instants of its limit refusals ("It resets at …") and expiries
 * shown as the dashboard shows dates; the rest as the hub wrote it. Other text (an upstream's
 * own words) is left alone even when it holds a date.
 */
export function localizeHubTimes(text: string, time: FormatTime): string {
  const reset = text.match(RESETS_AT);
  const m = reset && text.startsWith("The ") && reset[1].includes(" is reached: ") ? reset : text.match(EXPIRED_AT);
  if (!m || Number.isNaN(Date.parse(m[2]))) return text;
  return `${m[1]}${time(m[2])}${m[3]}`;
}
