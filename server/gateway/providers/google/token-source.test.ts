import { describe, expect, it, vi } from "vitest";
import { parseGoogleCredential, type OAuthCredential } from "./credential.ts";
import { GoogleTokenSource } from "./token-source.ts";

const SECRETS = ["1//refresh-secret", "client-secret-xyz", "ya29.old-token"];

function credentialJson(extra: Record<string, unknown> = {}) {
  return JSON.stringify({
    access_token: "ya29.old-token",
    refresh_token: "1//refresh-secret",
    client_id: "client-id.apps.googleusercontent.com",
    client_secret: "client-secret-xyz",
    expiry_date: 0,
    token_uri: "http://127.0.0.1:4999/token",
    ...extra,
  });
}

function oauth(secret: string): OAuthCredential {
  const c = parseGoogleCredential(secret);
  if (c.kind !== "oauth") throw new Error("expected an OAuth credential");
  return c.oauth;
}

function setup(answers: Array<() => Response | Promise<Response>> = []) {
  let now = 1_000_000;
  const calls: Array<{ url: string; body: URLSearchParams; redirect: unknown }> = [];
  let n = 0;
  const fetchFn = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: String(input), body: new URLSearchParams(String(init?.body)), redirect: init?.redirect });
    const answer = answers[Math.min(n++, answers.length - 1)];
    return answer ? answer() : Response.json({ access_token: `ya29.new-${n}`, expires_in: 3600, token_type: "Bearer" });
  });
  const source = new GoogleTokenSource({ now: () => now, fetch: fetchFn as unknown as typeof fetch });
  return { source, calls, fetchFn, advance: (ms: number) => (now += ms), now: () => now };
}

async function messageOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected a rejection");
}

describe("GoogleTokenSource", () => {
  it("uses the credential's own access token while it is fresh", async () => {
    const t = setup();
    const secret = credentialJson({ expiry_date: t.now() + 3_600_000 });
    expect(await t.source.accessToken(1, secret, oauth(secret))).toBe("ya29.old-token");
    expect(t.fetchFn).not.toHaveBeenCalled();
  });

  it("refreshes an expired token once for concurrent callers, then serves it from memory", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const t = setup([async () => (await gate, Response.json({ access_token: "ya29.fresh", expires_in: 3600 }))]);
    const secret = credentialJson();
    const pending = Array.from({ length: 5 }, () => t.source.accessToken(7, secret, oauth(secret)));
    release();
    expect(await Promise.all(pending)).toEqual(Array(5).fill("ya29.fresh"));
    expect(t.fetchFn).toHaveBeenCalledTimes(1);
    expect(t.calls[0].url).toBe("http://127.0.0.1:4999/token");
    expect(Object.fromEntries(t.calls[0].body)).toEqual({
      grant_type: "refresh_token",
      refresh_token: "1//refresh-secret",
      client_id: "client-id.apps.googleusercontent.com",
      client_secret: "client-secret-xyz",
    });
    expect(t.calls[0].redirect).toBe("error");
    expect(await t.source.accessToken(7, secret, oauth(secret))).toBe("ya29.fresh");
    expect(t.fetchFn).toHaveBeenCalledTimes(1);
  });

  it("refreshes again shortly before the refreshed token expires, with a rotated refresh token", async () => {
    const t = setup([
      () => Response.json({ access_token: "ya29.one", expires_in: 3600, refresh_token: "1//rotated" }),
      () => Response.json({ access_token: "ya29.two", expires_in: 3600 }),
    ]);
    const secret = credentialJson();
    expect(await t.source.accessToken(1, secret, oauth(secret))).toBe("ya29.one");
    t.advance(3_600_000 - 5 * 60_000 - 1000);
    expect(await t.source.accessToken(1, secret, oauth(secret))).toBe("ya29.one");
    t.advance(2000);
    expect(await t.source.accessToken(1, secret, oauth(secret))).toBe("ya29.two");
    expect(t.calls[1].body.get("refresh_token")).toBe("1//rotated");
  });

  it("refreshes on the next call after a provider's token is forgotten", async () => {
    const t = setup();
    const secret = credentialJson();
    expect(await t.source.accessToken(1, secret, oauth(secret))).toBe("ya29.new-1");
    t.source.forget(1);
    expect(await t.source.accessToken(1, secret, oauth(secret))).toBe("ya29.new-2");
  });

  it("keeps tokens per provider and forgets them when the secret changes", async () => {
    const t = setup();
    const a = credentialJson();
    const b = credentialJson({ refresh_token: "1//other" });
    expect(await t.source.accessToken(1, a, oauth(a))).toBe("ya29.new-1");
    expect(await t.source.accessToken(2, a, oauth(a))).toBe("ya29.new-2");
    expect(await t.source.accessToken(1, b, oauth(b))).toBe("ya29.new-3");
    expect(t.calls[2].body.get("refresh_token")).toBe("1//other");
  });

  it("refreshes first when the credential does not say when its token expires", async () => {
    const t = setup();
    const unknown = JSON.stringify({ access_token: "ya29.maybe", refresh_token: "r", client_id: "id", token_uri: "https://oauth2.example/token" });
    expect(await t.source.accessToken(1, unknown, oauth(unknown))).toBe("ya29.new-1");
    const noRefresh = JSON.stringify({ access_token: "ya29.only" });
    expect(await t.source.accessToken(2, noRefresh, oauth(noRefresh))).toBe("ya29.only");
  });

  it("uses Google's token endpoint by default", async () => {
    const t = setup();
    const secret = JSON.stringify({ refresh_token: "r", client_id: "id", client_secret: "s" });
    await t.source.accessToken(1, secret, oauth(secret));
    expect(t.calls[0].url).toBe("https://oauth2.googleapis.com/token");
  });

  it("fails every waiting caller with a secret-free message, and tries again on the next call", async () => {
    const t = setup([
      () => Response.json({ error: "invalid_grant", error_description: "Token has been expired or revoked: 1//refresh-secret" }, { status: 400 }),
      () => Response.json({ access_token: "ya29.after", expires_in: 3600 }),
    ]);
    const secret = credentialJson();
    const results = await Promise.allSettled([t.source.accessToken(1, secret, oauth(secret)), t.source.accessToken(1, secret, oauth(secret))]);
    expect(t.fetchFn).toHaveBeenCalledTimes(1);
    for (const r of results) {
      expect(r.status).toBe("rejected");
      const message = ((r as PromiseRejectedResult).reason as Error).message;
      expect(message).toBe("Google OAuth token refresh failed: HTTP 400 (invalid_grant)");
      for (const s of SECRETS) expect(message).not.toContain(s);
    }
    expect(await t.source.accessToken(1, secret, oauth(secret))).toBe("ya29.after");
  });

  it("reports network failures, timeouts, odd answers and unusable credentials without secrets", async () => {
    const secret = credentialJson();
    const refused = Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNREFUSED", message: "connect ECONNREFUSED 127.0.0.1:4999" } });
    const cases: Array<[() => Response | Promise<Response>, RegExp]> = [
      [() => Promise.reject(refused), /could not be reached \(ECONNREFUSED\)$/],
      [() => Promise.reject(Object.assign(new Error("timeout"), { name: "TimeoutError" })), /did not answer in time/],
      [() => new Response("<html>oops 1//refresh-secret</html>", { status: 502 }), /HTTP 502$/],
      [() => Response.json({ token_type: "Bearer" }), /has no access_token/],
    ];
    for (const [answer, pattern] of cases) {
      const t = setup([answer]);
      const message = await messageOf(t.source.accessToken(1, secret, oauth(secret)));
      expect(message).toMatch(pattern);
      for (const s of SECRETS) expect(message).not.toContain(s);
    }
    const t = setup();
    const noRefresh = JSON.stringify({ access_token: "ya29.old-token", expiry_date: 1 });
    expect(await messageOf(t.source.accessToken(1, noRefresh, oauth(noRefresh)))).toMatch(/no refresh_token/);
    const noClient = JSON.stringify({ refresh_token: "1//refresh-secret" });
    expect(await messageOf(t.source.accessToken(2, noClient, oauth(noClient)))).toMatch(/no client_id/);
    const plain = credentialJson({ token_uri: "http://oauth.example.com/token" });
    expect(await messageOf(t.source.accessToken(3, plain, oauth(plain)))).toMatch(/must use https/);
    expect(t.fetchFn).not.toHaveBeenCalled();
  });
});
