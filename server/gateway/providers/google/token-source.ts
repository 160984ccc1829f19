/**
 * OAuth access tokens for Google providers (Gemini with an OAuth credential, Code Assist).
 *
 * A credential's access token lives an hour; the refresh token gets new ones from the token
 * endpoint. Refreshed tokens are kept in process memory per provider — never written back to
 * the database and never logged — and dropped when the provider's secret changes. Requests
 * that find the token expired at the same time share one refresh call. A failed refresh
 * rejects with a message that names the failure (HTTP status, OAuth error code, network error
 * code) and never a token, a client secret or the endpoint's response text.
 */
import { createHash } from "node:crypto";
import type { OAuthCredential } from "./credential.ts";

/** Refresh this long before the recorded expiry, so a token never expires in flight. */
const DEFAULT_REFRESH_MARGIN_MS = 5 * 60_000;
const DEFAULT_TIMEOUT_MS = 15_000;
/** Lifetime assumed when the token endpoint does not say (Google always sends expires_in). */
const DEFAULT_LIFETIME_S = 3600;

export interface TokenSourceOptions {
  now?: () => number;
  fetch?: typeof fetch;
  refreshMarginMs?: number;
  timeoutMs?: number;
}

interface CachedToken {
  /** Hash of the provider secret the token was obtained with. */
  fingerprint: string;
  accessToken: string;
  /** When to refresh (epoch ms): the margin before expiry, or half the lifetime if that is shorter. */
  refreshAt: number;
  /** A rotated refresh token, if the endpoint sent one. */
  refreshToken: string | undefined;
}

type Refreshed = Omit<CachedToken, "fingerprint">;

function fingerprintOf(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "");
  return host === "localhost" || host === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * The token endpoint URL. The refresh token and client secret travel in the request body, so
 * plain http is accepted only on loopback (a local fake in tests); everything else must be https.
 */
function tokenEndpoint(uri: string): URL {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new Error("the OAuth credential's token_uri is not a valid URL");
  }
  if (url.protocol === "https:" || (url.protocol === "http:" && isLoopback(url.hostname))) return url;
  throw new Error("the OAuth credential's token_uri must use https (http is allowed on loopback only)");
}

/** A short, secret-free reason for a failed call (the error code, not the message). */
function networkReason(error: unknown): string {
  const e = error as { name?: string; code?: string; cause?: { code?: string } };
  if (e?.name === "TimeoutError" || e?.name === "AbortError") return "the token endpoint did not answer in time";
  const code = e?.cause?.code ?? e?.code;
  return code ? `the token endpoint could not be reached (${code})` : "the token endpoint could not be reached";
}

export class GoogleTokenSource {
  private readonly tokens = new Map<number, CachedToken>();
  private readonly inflight = new Map<number, { fingerprint: string; promise: Promise<string> }>();
  private readonly now: () => number;
  private readonly fetchFn: typeof fetch;
  private readonly refreshMarginMs: number;
  private readonly timeoutMs: number;

  constructor(options: TokenSourceOptions = {}) {
    this.now = options.now ?? Date.now;
    this.fetchFn = options.fetch ?? ((input, init) => fetch(input, init));
    this.refreshMarginMs = options.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /**
   * A usable access token for the provider: the cached one, the credential's own while it is
   * fresh, else a refreshed one (one refresh at a time per provider).
   */
  accessToken(providerId: number, secret: string, credential: OAuthCredential): Promise<string> {
    const fingerprint = fingerprintOf(secret);
    let cached = this.tokens.get(providerId);
    if (cached && cached.fingerprint !== fingerprint) {
      // The secret was replaced: whatever was obtained with the old one is stale.
      this.tokens.delete(providerId);
      cached = undefined;
    }
    if (cached && cached.refreshAt > this.now()) return Promise.resolve(cached.accessToken);
    if (!cached && credential.accessToken) {
      // Without an expiry the token may be dead already: refresh when possible, else try it.
      if (credential.expiresAt !== undefined ? this.fresh(credential.expiresAt) : !credential.refreshToken) {
        return Promise.resolve(credential.accessToken);
      }
    }
    const running = this.inflight.get(providerId);
    if (running && running.fingerprint === fingerprint) return running.promise;

    const refreshToken = cached?.refreshToken ?? credential.refreshToken;
    const promise = this.refresh(credential, refreshToken).then((token) => {
      this.tokens.set(providerId, { fingerprint, ...token, refreshToken: token.refreshToken ?? cached?.refreshToken });
      return token.accessToken;
    });
    const entry = { fingerprint, promise };
    this.inflight.set(providerId, entry);
    const clear = () => {
      if (this.inflight.get(providerId) === entry) this.inflight.delete(providerId);
    };
    promise.then(clear, clear);
    return promise;
  }

  /**
   * Forgets the provider's cached token, so the next call refreshes (for when the upstream
   * rejects a token before its recorded expiry, e.g. after a revocation).
   */
  forget(providerId: number): void {
    this.tokens.delete(providerId);
  }

  /** Forgets every cached token (a provider deleted or re-keyed is handled per call). */
  clear(): void {
    this.tokens.clear();
  }

  private fresh(expiresAt: number): boolean {
    return expiresAt - this.refreshMarginMs > this.now();
  }

  private async refresh(credential: OAuthCredential, refreshToken: string | undefined): Promise<Refreshed> {
    const fail = (reason: string) => new Error(`Google OAuth token refresh failed: ${reason}`);
    if (!refreshToken) throw fail("the access token expired and the credential has no refresh_token");
    if (!credential.clientId) throw fail("the credential has no client_id");
    const url = tokenEndpoint(credential.tokenUri);
    const form = new URLSearchParams({ grant_type: "refresh_token", refresh_token: refreshToken, client_id: credential.clientId });
    if (credential.clientSecret) form.set("client_secret", credential.clientSecret);

    let response: Response;
    try {
      response = await this.fetchFn(url, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
        body: form.toString(),
        // The body holds the refresh token: never replay it to wherever a redirect points.
        redirect: "error",
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw fail(networkReason(error));
    }
    let payload: Record<string, unknown> = {};
    try {
      const parsed: unknown = await response.json();
      if (parsed && typeof parsed === "object") payload = parsed as Record<string, unknown>;
    } catch {
      // handled below: a non-JSON answer is a failure either way
    }
    if (!response.ok) {
      // The OAuth error code (invalid_grant, invalid_client…) is safe to show; its description is not quoted.
      const code = typeof payload.error === "string" && /^[a-z_]{1,64}$/i.test(payload.error) ? ` (${payload.error})` : "";
      throw fail(`HTTP ${response.status}${code}`);
    }
    const accessToken = typeof payload.access_token === "string" && payload.access_token ? payload.access_token : undefined;
    if (!accessToken) throw fail("the token endpoint's answer has no access_token");
    const seconds = Number(payload.expires_in);
    const lifetimeMs = (Number.isFinite(seconds) && seconds > 0 ? seconds : DEFAULT_LIFETIME_S) * 1000;
    return {
      accessToken,
      refreshAt: this.now() + Math.max(lifetimeMs - this.refreshMarginMs, lifetimeMs / 2),
      refreshToken: typeof payload.refresh_token === "string" && payload.refresh_token ? payload.refresh_token : undefined,
    };
  }
}

/** The process-wide token cache shared by the gemini and gemini-cli provider types. */
export const googleTokens = new GoogleTokenSource();
