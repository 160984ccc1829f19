/** `codex`: upstreams of the OpenAI Responses API (OpenAI itself, Codex relays), authenticated with Bearer only. */
import { joinUpstreamUrl, type ProviderAdapter } from "../types.ts";
import { isChatGptCodexBackend } from "./backend.ts";

export const codexProvider: ProviderAdapter = {
  type: "codex",
  format: "openai-responses",
  // ChatGPT's Codex backend has no version segment (…/backend-api/codex/responses, as Codex CLI
  // calls it with a ChatGPT login): the client's /v1 is left out there.
  upstreamUrl: (provider, path, search) => joinUpstreamUrl(provider.url, isChatGptCodexBackend(provider) && path.startsWith("/v1/") ? path.slice(3) : path, search),
  // Trimmed: a key pasted with a trailing newline would otherwise be an invalid header value.
  authHeaders: (provider) => ({ authorization: `Bearer ${provider.secret.trim()}` }),
};
