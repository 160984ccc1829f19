/**
 * DNS-rebinding defence for the dashboard, login and admin API: they answer only to Host names
 * the operator stands behind. A rebinding page reaches the hub under the attacker's own name
 * (Host: evil.example), so refusing unknown names stops it, whatever the admin token: with the
 * default token the page would administer the hub, and with any token it would turn every
 * visitor's browser inside the network into a login guesser with its own lockout counter.
 *
 * Allowed: any IP literal (a rebinding attack always arrives under a DNS name, and Docker or LAN
 * access by address must keep working), `localhost` and `*.localhost`, the bind address, the
 * host of APP_URL, and ALLOWED_HOSTS (`name`, `.example.com` for a domain and its subdomains,
 * `*` to switch the check off). The gateway (/v1…) is authenticated by API keys and is not
 * checked (docs/decisions/0014).
 */
import { isIP } from "node:net";
import type { RequestHandler } from "express";

export interface HostPolicy {
  /** APP_HOST: the bind address (an address or a name). */
  bindHost: string;
  /** APP_URL, when set. */
  appUrl: string | undefined;
  /** ALLOWED_HOSTS, lower-cased. */
  allowedHosts: string[];
}

/** The host name of a Host header value, without the port and IPv6 brackets; undefined if malformed. */
export function hostName(host: string | undefined): string | undefined {
  if (!host) return undefined;
  const value = host.trim().toLowerCase();
  if (value.startsWith("[")) {
    const end = value.indexOf("]");
    return end > 1 ? value.slice(1, end) : undefined;
  }
  const colon = value.indexOf(":");
  const name = colon === -1 ? value : value.slice(0, colon);
  return name || undefined;
}

function appUrlHost(appUrl: string | undefined): string | undefined {
  if (!appUrl) return undefined;
  try {
    return new URL(appUrl).hostname.toLowerCase().replace(/^\[|\]$/g, "");
  } catch {
    return undefined;
  }
}

/** True when the host name is one of the names ALLOWED_HOSTS lists (a wildcard does not count here). */
export function listedHost(name: string, allowedHosts: string[]): boolean {
  return allowedHosts.some((entry) => (entry.startsWith(".") ? name === entry.slice(1) || name.endsWith(entry) : name === entry));
}

export function hostAllowed(host: string | undefined, policy: HostPolicy): boolean {
  if (policy.allowedHosts.includes("*")) return true;
  const name = hostName(host);
  if (!name) return false;
  if (isIP(name)) return true;
  if (name === "localhost" || name.endsWith(".localhost")) return true;
  if (name === policy.bindHost.toLowerCase()) return true;
  if (name === appUrlHost(policy.appUrl)) return true;
  return listedHost(name, policy.allowedHosts);
}

export function hostCheck(policy: HostPolicy): RequestHandler {
  return (req, res, next) => {
    if (hostAllowed(req.headers.host, policy)) return next();
    res
      .status(421)
      .set("connection", "close")
      .type("text/plain")
      .send(`This hub does not answer to the host name "${hostName(req.headers.host) ?? ""}". Add it to ALLOWED_HOSTS (or set APP_URL).`);
  };
}
