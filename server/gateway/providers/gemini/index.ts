/**
 * `gemini`: the Gemini API (generativelanguage.googleapis.com, or a relay that speaks it),
 * authenticated with an API key or a Google OAuth credential.
 */
import { withoutApiKey } from "../../formats/gemini/query.ts";
import { googleAuthHeaders } from "../google/auth.ts";
import { joinUpstreamUrl, type ProviderAdapter } from "../types.ts";

export const geminiProvider: ProviderAdapter = {
  type: "gemini",
  format: "gemini",
  // The format already drops the caller's key=; dropping it here too keeps the guarantee even
  // for a request prepared by another format (e.g. after a conversion).
  upstreamUrl: (provider, path, search) => joinUpstreamUrl(provider.url, path, withoutApiKey(search)),
  authHeaders: (provider) => googleAuthHeaders(provider),
};
