/**
 * Step (optional, system setting "client version check"): a CLI older than the minimum the
 * admin set for it is refused with 400 `client_upgrade_required`, naming both versions, before
 * anything is spent. The client is read from its User-Agent as `name/version` (claude-cli/2.0.14,
 * codex_cli_rs/0.46.0, GeminiCLI/0.9.0); a User-Agent that does not parse, or a client with no
 * minimum, passes: the check exists to move a team's CLIs forward, not to gate unknown tools.
 */
import type { GatewayContext } from "../context.ts";
import type { GatewayDeps } from "../deps.ts";
import { GatewayError } from "../errors.ts";

const CLIENT = /^([A-Za-z][\w.-]*)\/(\d+(?:\.\d+){0,3})/;

/** The client name and version of a User-Agent, or undefined. */
export function parseClientUserAgent(userAgent: string | undefined): { client: string; version: string } | undefined {
  const match = userAgent ? CLIENT.exec(userAgent.trim()) : null;
  return match ? { client: match[1], version: match[2] } : undefined;
}

/** Negative when a < b, by numeric segments (1.0.9 < 1.0.10; missing segments are 0). */
export function compareVersions(a: string, b: string): number {
  const x = a.split(".").map(Number);
  const y = b.split(".").map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export function checkClientVersion(ctx: GatewayContext, deps: GatewayDeps): void {
  const settings = deps.catalog.settings();
  if (!settings.enableClientVersionCheck) return;
  const found = parseClientUserAgent(ctx.userAgent);
  if (!found) return;
  const minimum = Object.entries(settings.minClientVersions).find(([client]) => client.toLowerCase() === found.client.toLowerCase())?.[1];
  if (!minimum || compareVersions(found.version, minimum) >= 0) return;
  throw new GatewayError(
    "invalid_request",
    `${found.client} ${found.version} is older than the minimum version ${minimum} this hub accepts; please upgrade it.`,
    {
      blockedBy: "client_version",
      details: { code: "client_upgrade_required", client: found.client, current_version: found.version, required_version: minimum },
    },
  );
}
