/**
 * Query-string handling for Gemini routes. Google accepts the API key as `?key=`; the hub
 * authenticates the caller with it, and it must never travel further (to the upstream or into
 * an upstream's access log), so it is cut out while every other parameter keeps its exact
 * bytes and order (`alt=sse`, `$fields`, …).
 */

function decodeName(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, " "));
  } catch {
    return raw;
  }
}

/** `search` ("" or "?…") without any parameter named `name` (also matched in its encoded form). */
export function withoutQueryParam(search: string, name: string): string {
  if (!search || search === "?") return "";
  const kept = search
    .slice(1)
    .split("&")
    .filter((pair) => {
      if (pair === "") return false;
      const eq = pair.indexOf("=");
      return decodeName(eq < 0 ? pair : pair.slice(0, eq)) !== name;
    });
  return kept.length ? `?${kept.join("&")}` : "";
}

/**
 * `search` without the caller's `key=` credential. Names are compared decoded, as the hub's
 * authentication reads them (URLSearchParams), so `?%6Bey=…` is removed too.
 */
export function withoutApiKey(search: string): string {
  return withoutQueryParam(search, "key");
}
