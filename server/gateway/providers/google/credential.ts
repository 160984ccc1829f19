/**
 * What a Google provider's secret is: a plain API key, or an OAuth credential JSON as saved by
 * Gemini CLI / google-auth-library (`oauth_creds.json`) or Go's oauth2 package, e.g.
 * `{"access_token","refresh_token","client_id","client_secret","expiry_date"|"expiry","token_uri"}`.
 */

/** Google's OAuth 2.0 token endpoint, used when the credential names none. */
export const DEFAULT_TOKEN_URI = "https://oauth2.googleapis.com/token";

export interface OAuthCredential {
  accessToken: string | undefined;
  refreshToken: string | undefined;
  clientId: string | undefined;
  clientSecret: string | undefined;
  /** When the access token expires (epoch ms); undefined when the credential does not say. */
  expiresAt: number | undefined;
  tokenUri: string;
}

export type GoogleCredential = { kind: "api-key"; apiKey: string } | { kind: "oauth"; oauth: OAuthCredential };

function text(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() ? value.trim() : undefined;
}

/** expiry_date (epoch ms, google-auth-library) or expiry (RFC 3339, Go oauth2 / Python). */
function expiry(raw: Record<string, unknown>): number | undefined {
  if (typeof raw.expiry_date === "number" && Number.isFinite(raw.expiry_date)) return raw.expiry_date;
  if (typeof raw.expiry_date === "string" && /^\d+$/.test(raw.expiry_date)) return Number(raw.expiry_date);
  const iso = text(raw.expiry);
  if (iso) {
    const ms = Date.parse(iso);
    if (Number.isFinite(ms)) return ms;
  }
  return undefined;
}

/**
 * Reads a provider secret. A JSON object with an access or refresh token is an OAuth
 * credential; anything else is an API key. Errors never quote the secret.
 */
export function parseGoogleCredential(secret: string): GoogleCredential {
  const trimmed = secret.trim();
  if (!trimmed.startsWith("{")) return { kind: "api-key", apiKey: trimmed };
  let raw: unknown;
  try {
    raw = JSON.parse(trimmed);
  } catch {
    throw new Error("the provider secret looks like a JSON credential but is not valid JSON");
  }
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw new Error("the provider's OAuth credential is not a JSON object");
  const r = raw as Record<string, unknown>;
  const oauth: OAuthCredential = {
    accessToken: text(r.access_token),
    refreshToken: text(r.refresh_token),
    clientId: text(r.client_id),
    clientSecret: text(r.client_secret),
    expiresAt: expiry(r),
    tokenUri: text(r.token_uri) ?? DEFAULT_TOKEN_URI,
  };
  if (!oauth.accessToken && !oauth.refreshToken) {
    throw new Error("the provider's OAuth credential has neither access_token nor refresh_token");
  }
  return { kind: "oauth", oauth };
}
