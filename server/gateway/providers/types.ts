/**
 * The contract of a provider type (one folder per type under providers/). A registry maps a
 * type to its adapter; no other code switches on a provider type.
 */
import type { CachedProvider, ProviderType } from "../../catalog/types.ts";
import type { ApiFormat } from "../formats/types.ts";

export interface ProviderAdapter {
  readonly type: ProviderType;
  /** The wire format this type's upstream speaks natively. */
  readonly format: ApiFormat;
  /** The upstream URL for a client path such as "/v1/messages" and its query string ("?beta=true" or ""). */
  upstreamUrl(provider: CachedProvider, clientPath: string, search: string): URL;
  /**
   * The headers that authenticate with the upstream (the client's own credentials are never
   * forwarded). May be async, e.g. to refresh an OAuth access token.
   */
  authHeaders(provider: CachedProvider): Record<string, string> | Promise<Record<string, string>>;
  /** Headers sent unless the client sent its own value (e.g. Code Assist's x-goog-api-client). */
  defaultHeaders?: Record<string, string>;
}

/**
 * Joins a provider's base URL and a client path without doubling the version segment:
 * "https://api.anthropic.com" + "/v1/messages" and "https://relay.example/v1" + "/v1/messages"
 * both end in ".../v1/messages"; a base path prefix ("https://host/api") is kept.
 */
const joined = new Map<string, string>();

export function joinUpstreamUrl(base: string, clientPath: string, search: string): URL {
  // The base+path part repeats for every request of a provider: computed once.
  const id = `${base}\n${clientPath}`;
  let href = joined.get(id);
  if (href === undefined) {
    const url = new URL(base);
    let prefix = url.pathname.replace(/\/+$/, "");
    const version = /^\/(v1beta|v1internal|v1)(?=\/|:|$)/.exec(clientPath)?.[1];
    if (version && (prefix.endsWith(`/${version}`) || prefix === `/${version}`)) {
      prefix = prefix.slice(0, -(version.length + 1));
    }
    url.pathname = `${prefix}${clientPath}`;
    url.search = "";
    href = url.toString();
    if (joined.size > 10_000) joined.clear();
    joined.set(id, href);
  }
  return new URL(search ? href + search : href);
}
