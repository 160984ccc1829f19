/**
 * `gemini-cli`: Google's Code Assist API (cloudcode-pa.googleapis.com/v1internal), which Gemini
 * CLI uses with Google login. Authenticated with a Google OAuth credential (an API key is
 * accepted too, for relays that speak Code Assist).
 */
import { withoutApiKey } from "../../formats/gemini/query.ts";
import { googleAuthHeaders } from "../google/auth.ts";
import { joinUpstreamUrl, type ProviderAdapter } from "../types.ts";

/** Google's Code Assist endpoint, used when a provider has no URL of its own. */
export const CODE_ASSIST_BASE_URL = "https://cloudcode-pa.googleapis.com";

/** Code Assist identifies its client by x-goog-api-client; sent when the client sent none. */
const API_CLIENT = "GeminiCLI/1.0";

export const geminiCliProvider: ProviderAdapter = {
  type: "gemini-cli",
  format: "gemini-cli",
  upstreamUrl: (provider, path, search) => joinUpstreamUrl(provider.url || CODE_ASSIST_BASE_URL, path, withoutApiKey(search)),
  authHeaders: (provider) => googleAuthHeaders(provider),
  defaultHeaders: { "x-goog-api-client": API_CLIENT },
};
