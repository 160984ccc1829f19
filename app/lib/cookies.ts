/** Cookie helpers shared by loaders and the browser (no server-only imports). */

/** The cookie with the viewer's language (en | zh-CN). */
export const LANG_COOKIE = "lang";
/** The browser's IANA time zone, so server-rendered dates match what the browser renders. */
export const TZ_COOKIE = "tz";
/** The colour scheme (light | dark); absent: light. */
export const THEME_COOKIE = "theme";
export const THEMES = ["light", "dark"] as const;
export type Theme = (typeof THEMES)[number];
const ONE_YEAR_SECONDS = 365 * 24 * 3600;

export function parseCookies(header: string | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (!name || name in out) continue;
    try {
      out[name] = decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      out[name] = part.slice(eq + 1).trim();
    }
  }
  return out;
}

/** A long-lived, non-sensitive preference cookie (readable by scripts on purpose). */
export function preferenceCookie(name: string, value: string): string {
  return `${name}=${encodeURIComponent(value)}; Path=/; Max-Age=${ONE_YEAR_SECONDS}; SameSite=Lax`;
}

export function isTheme(value: unknown): value is Theme {
  return typeof value === "string" && (THEMES as readonly string[]).includes(value);
}

/** Only same-site paths, so a preference form cannot be used to bounce visitors to another site. */
export function safeRedirect(value: unknown): string {
  return typeof value === "string" && value.startsWith("/") && !value.startsWith("//") && !value.startsWith("/\\") ? value : "/";
}
