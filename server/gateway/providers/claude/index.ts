/** `claude`: the official Anthropic API, authenticated with both Bearer and x-api-key. */
import { joinUpstreamUrl, type ProviderAdapter } from "../types.ts";

export const claudeProvider: ProviderAdapter = {
  type: "claude",
  format: "claude",
  upstreamUrl: (provider, path, search) => joinUpstreamUrl(provider.url, path, search),
  authHeaders: (provider) => ({ authorization: `Bearer ${provider.secret}`, "x-api-key": provider.secret }),
};
