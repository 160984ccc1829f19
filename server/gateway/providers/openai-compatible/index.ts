/** `openai-compatible`: Chat Completions upstreams (OpenAI, and the many relays and vendors that speak it), Bearer only. */
import { joinUpstreamUrl, type ProviderAdapter } from "../types.ts";

export const openAiCompatibleProvider: ProviderAdapter = {
  type: "openai-compatible",
  format: "openai-chat",
  upstreamUrl: (provider, path, search) => joinUpstreamUrl(provider.url, path, search),
  // Trimmed: a key pasted with a trailing newline would otherwise be an invalid header value.
  authHeaders: (provider) => ({ authorization: `Bearer ${provider.secret.trim()}` }),
};
