/** `codex`: upstreams of the OpenAI Responses API (OpenAI itself, Codex relays), authenticated with Bearer only. */
import { joinUpstreamUrl, type ProviderAdapter } from "../types.ts";

export const codexProvider: ProviderAdapter = {
  type: "codex",
  format: "openai-responses",
  upstreamUrl: (provider, path, search) => joinUpstreamUrl(provider.url, path, search),
  // Trimmed: a key pasted with a trailing newline would otherwise be an invalid header value.
  authHeaders: (provider) => ({ authorization: `Bearer ${provider.secret.trim()}` }),
};
