/**
 * Upstream authentication for Google provider types: an API key goes in `x-goog-api-key` (never
 * in the URL, where it would end up in access logs), an OAuth credential becomes
 * `Authorization: Bearer <access token>`, refreshed as needed.
 */
import type { CachedProvider } from "../../../catalog/types.ts";
import { parseGoogleCredential } from "./credential.ts";
import { googleTokens, type GoogleTokenSource } from "./token-source.ts";

/** The credential headers for a Google provider; async because a token may need a refresh. */
export async function googleAuthHeaders(provider: CachedProvider, tokens: GoogleTokenSource = googleTokens): Promise<Record<string, string>> {
  const credential = parseGoogleCredential(provider.secret);
  if (credential.kind === "api-key") return { "x-goog-api-key": credential.apiKey };
  const accessToken = await tokens.accessToken(provider.id, provider.secret, credential.oauth);
  return { authorization: `Bearer ${accessToken}` };
}
