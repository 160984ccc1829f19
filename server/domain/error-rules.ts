/**
 * Error rules: admin-editable patterns that say what an upstream error means — the client's
 * mistake (return it at once: no retry, no failover, no breaker count) or the provider's fault
 * (retry, fail over, count) — and optionally what to tell the client instead.
 */

export interface ErrorRule {
  id: number;
  pattern: string;
  matchType: "contains" | "exact" | "regex";
  category: string;
  /** true: a provider-side problem, worth retrying elsewhere; false: return it to the client now. */
  retryable: boolean;
  countsTowardBreaker: boolean;
  overrideMessage: string | null;
  overrideStatusCode: number | null;
  priority: number;
}

const compiled = new Map<string, RegExp | null>();

function regex(pattern: string): RegExp | null {
  let re = compiled.get(pattern);
  if (re === undefined) {
    try {
      re = new RegExp(pattern, "i");
    } catch {
      re = null;
    }
    if (compiled.size > 1000) compiled.clear();
    compiled.set(pattern, re);
  }
  return re;
}

/** The first rule (by priority, then id) that matches the upstream error text. */
export function matchErrorRule(rules: readonly ErrorRule[], text: string): ErrorRule | undefined {
  const lower = text.toLowerCase();
  for (const rule of rules) {
    switch (rule.matchType) {
      case "contains":
        if (lower.includes(rule.pattern.toLowerCase())) return rule;
        break;
      case "exact":
        if (text.trim() === rule.pattern || extractMessage(text) === rule.pattern) return rule;
        break;
      case "regex":
        if (regex(rule.pattern)?.test(text)) return rule;
        break;
    }
  }
  return undefined;
}

/** The human message inside a vendor error body ({"error":{"message"}} in every format), or the text. */
export function extractMessage(text: string): string {
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown } | string; message?: unknown };
    if (typeof parsed.error === "object" && typeof parsed.error?.message === "string") return parsed.error.message;
    if (typeof parsed.error === "string") return parsed.error;
    if (typeof parsed.message === "string") return parsed.message;
  } catch {
    // not JSON
  }
  return text.trim().slice(0, 500);
}

type DefaultRule = Omit<ErrorRule, "id" | "overrideMessage" | "overrideStatusCode" | "priority"> & { description: string };

const clientError = (pattern: string, description: string, matchType: DefaultRule["matchType"] = "contains"): DefaultRule => ({
  pattern,
  matchType,
  category: "client_error",
  retryable: false,
  countsTowardBreaker: false,
  description,
});

/** The rules a new hub starts with (admins can disable or edit them). */
export const DEFAULT_ERROR_RULES: DefaultRule[] = [
  clientError("prompt is too long", "The conversation exceeds the model's context window"),
  clientError("input is too long", "The input exceeds the model's limit"),
  clientError("context_length_exceeded", "OpenAI: context window exceeded"),
  clientError("maximum context length", "The conversation exceeds the model's context window"),
  clientError("exceeds the context window", "The conversation exceeds the model's context window"),
  clientError("invalid signature in thinking block", "Thinking blocks signed by another account or model"),
  clientError("must start with a thinking block", "The thinking chain of the conversation is broken"),
  clientError("content_filter", "Blocked by the vendor's content filter"),
  clientError("content management policy", "Blocked by the vendor's content policy"),
  clientError("extra inputs are not permitted", "The request has a field the model does not accept"),
  clientError("max_tokens.*(exceed|greater than|maximum)", "max_tokens above the model's maximum", "regex"),
  clientError("image exceeds|image is too large|image dimensions", "An image is too large", "regex"),
  clientError("maximum of \\d+ pdf pages|pdf.*too many pages", "A PDF has too many pages", "regex"),
  clientError("tool_use` ids must be unique|unexpected `tool_use_id`|tool_use_id.*not found", "Tool call ids do not match", "regex"),
  clientError("unsupported parameter", "The request uses a parameter the model does not support"),
  {
    pattern: "credit balance is too low",
    matchType: "contains",
    category: "provider_quota",
    retryable: true,
    countsTowardBreaker: true,
    description: "The provider's account is out of credit",
  },
];
