/**
 * The hub's own credentials never travel upstream. Headers are handled by headers.ts
 * (CLIENT_ONLY); this covers the query string: Gemini clients may authenticate to the hub with
 * `?key=<hub key>`, and a URL built from the client's query string would otherwise hand that
 * key to whatever upstream (any provider type, or an MCP vendor) serves the request — and into
 * its access logs. Each provider adds its own credential the way its API expects (Gemini:
 * `x-goog-api-key`), never through the client's query string.
 */
import { withoutQueryParam } from "../formats/gemini/query.ts";

/** Query parameters by which a caller may present a hub key (see steps/authenticate.ts). */
const HUB_CREDENTIAL_PARAMS = ["key"];

/** `search` ("" or "?…") without the caller's hub credentials; other parameters keep their bytes and order. */
export function withoutHubCredentials(search: string): string {
  let out = search;
  for (const name of HUB_CREDENTIAL_PARAMS) out = withoutQueryParam(out, name);
  return out;
}
