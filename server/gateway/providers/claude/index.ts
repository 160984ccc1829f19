/** `claude`: the official Anthropic API, authenticated with both Bearer and x-api-key. */
import { joinUpstreamUrl, type ProviderAdapter } from "../types.ts";

/** The Messages API version converted requests are written for. */
export const ANTHROPIC_VERSION = "2023-06-01";

export const claudeProvider: ProviderAdapter = {
  type: "claude",
  format: "claude",
  upstreamUrl: (provider, path, search) => joinUpstreamUrl(provider.url, path, search),
  authHeaders: (provider) => ({ authorization: `Bearer ${provider.secret}`, "x-api-key": provider.secret }),
  // Anthropic refuses a request without it; Claude clients send their own, converted requests have none.
  defaultHeaders: { "anthropic-version": ANTHROPIC_VERSION },
};
