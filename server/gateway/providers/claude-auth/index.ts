/** `claude-auth`: Claude relays that want Bearer only (an x-api-key header confuses some of them). */
import { ANTHROPIC_VERSION } from "../claude/index.ts";
import { joinUpstreamUrl, type ProviderAdapter } from "../types.ts";

export const claudeAuthProvider: ProviderAdapter = {
  type: "claude-auth",
  format: "claude",
  upstreamUrl: (provider, path, search) => joinUpstreamUrl(provider.url, path, search),
  authHeaders: (provider) => ({ authorization: `Bearer ${provider.secret}` }),
  // Claude clients send their own; a request converted from another format has none.
  defaultHeaders: { "anthropic-version": ANTHROPIC_VERSION },
};
