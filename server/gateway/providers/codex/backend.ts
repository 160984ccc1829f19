/**
 * Requests converted into Responses for a `codex` provider that is ChatGPT's Codex backend
 * (chatgpt.com/backend-api/codex, ChatGPT-login accounts). That backend serves Codex CLI only
 * and refuses the sampling and limit parameters Codex CLI never sends; the original hub's
 * converters stripped them for every non-Codex client (max_tokens, temperature, top_p, …) and
 * so does this. The OpenAI API itself (API keys) takes them, so other codex providers keep them.
 * Same-format requests (Codex CLI's own) are never touched.
 */
import type { CachedProvider } from "../../../catalog/types.ts";

/** Body fields ChatGPT's Codex backend refuses. */
const REFUSED = ["max_output_tokens", "temperature", "top_p"] as const;

export function isChatGptCodexBackend(provider: Pick<CachedProvider, "providerType" | "url">): boolean {
  if (provider.providerType !== "codex") return false;
  try {
    const url = new URL(provider.url);
    return url.hostname === "chatgpt.com" || url.hostname.endsWith(".chatgpt.com") || url.pathname.includes("/backend-api/codex");
  } catch {
    return false;
  }
}

/** Removes what the backend refuses from an encoded Responses body; returns the notes of what went. */
export function forChatGptCodexBackend(body: Record<string, unknown>): string[] {
  const dropped: string[] = [];
  for (const field of REFUSED) {
    if (body[field] !== undefined) {
      delete body[field];
      dropped.push(`${field}: ChatGPT's Codex backend does not take it`);
    }
  }
  return dropped;
}
