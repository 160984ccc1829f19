/**
 * Dashboard login sessions: a stateless, signed cookie, so any hub instance that shares
 * ENCRYPTION_KEY accepts it. The signature key is derived from ENCRYPTION_KEY; an admin
 * session also binds a fingerprint of ADMIN_TOKEN, so changing the token logs admins out.
 * Key sessions are re-checked against the key on every request (disabled key = logged out).
 * Every session carries a random id (`sid`) so logging out can revoke that one cookie
 * server-side (session-revocation.ts) although its signature stays valid until it expires.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export const SESSION_COOKIE = "cch_session";

export type WebSession =
  | { kind: "admin"; sid: string; exp: number; adm: string }
  | { kind: "key"; sid: string; keyId: number; exp: number };

function newSessionId(): string {
  return randomBytes(16).toString("base64url");
}

export class SessionSigner {
  constructor(private readonly secret: Buffer, private readonly adminToken: string) {}

  adminFingerprint(): string {
    return createHash("sha256").update(`admin:${this.adminToken}`).digest("base64url").slice(0, 16);
  }

  issueAdmin(ttlSeconds: number, now = Date.now()): string {
    return this.sign({ kind: "admin", sid: newSessionId(), exp: now + ttlSeconds * 1000, adm: this.adminFingerprint() });
  }

  issueKey(keyId: number, ttlSeconds: number, now = Date.now()): string {
    return this.sign({ kind: "key", sid: newSessionId(), keyId, exp: now + ttlSeconds * 1000 });
  }

  /**
   * The session in a cookie value, or null if it is forged, expired or stale (this does not
   * consult revocations: see session-revocation.ts).
   */
  verify(token: string | undefined, now = Date.now()): WebSession | null {
    if (!token) return null;
    const dot = token.lastIndexOf(".");
    if (dot <= 0) return null;
    const payload = token.slice(0, dot);
    const signature = Buffer.from(token.slice(dot + 1), "base64url");
    const expected = createHmac("sha256", this.secret).update(payload).digest();
    if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) return null;
    let session: WebSession;
    try {
      session = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as WebSession;
    } catch {
      return null;
    }
    if (typeof session !== "object" || session === null) return null;
    if (typeof session.exp !== "number" || session.exp <= now) return null;
    // Cookies from before session ids existed cannot be revoked, so they no longer count.
    if (typeof session.sid !== "string" || !session.sid) return null;
    if (session.kind === "admin" && session.adm !== this.adminFingerprint()) return null;
    if (session.kind === "key" && !Number.isInteger(session.keyId)) return null;
    return session;
  }

  private sign(session: WebSession): string {
    const payload = Buffer.from(JSON.stringify(session)).toString("base64url");
    const signature = createHmac("sha256", this.secret).update(payload).digest("base64url");
    return `${payload}.${signature}`;
  }
}

/** A cookie's value; undefined when absent or not valid percent-encoding (a mangled cookie is no session). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
