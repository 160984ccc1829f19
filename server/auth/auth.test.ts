import { createHmac, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { constantTimeEquals, generateApiKey, hashApiKey, maskApiKey } from "./api-keys.ts";
import { maskSecret, parseEncryptionKey, SecretBox } from "./secrets.ts";
import { readCookie, SessionSigner } from "./web-session.ts";

describe("SecretBox", () => {
  const box = new SecretBox(randomBytes(32));

  it("round-trips and never produces the plaintext", () => {
    const sealed = box.encrypt("sk-ant-secret");
    expect(sealed).not.toContain("sk-ant-secret");
    expect(box.decrypt(sealed)).toBe("sk-ant-secret");
    expect(box.encrypt("x")).not.toBe(box.encrypt("x")); // random IV
  });

  it("says so when a secret was sealed with another key, and rejects tampering", () => {
    const other = new SecretBox(randomBytes(32));
    expect(() => other.decrypt(box.encrypt("x"))).toThrow(/encrypted with key/);
    const sealed = box.encrypt("value").split(":");
    sealed[4] = Buffer.from("tampered").toString("base64url");
    expect(() => box.decrypt(sealed.join(":"))).toThrow();
  });

  it("reads hex, base64 and passphrase keys as 32 bytes", () => {
    expect(parseEncryptionKey("ab".repeat(32))).toHaveLength(32);
    expect(parseEncryptionKey(randomBytes(32).toString("base64"))).toHaveLength(32);
    expect(parseEncryptionKey("correct horse battery staple")).toHaveLength(32);
  });

  it("masks secrets for display", () => {
    expect(maskSecret("sk-ant-api03-abcdefgh")).toBe("sk-an…efgh");
    expect(maskSecret('{"refresh_token":"x"}')).toBe("{oauth credential}");
  });
});

describe("API keys", () => {
  it("are long, random, hashed deterministically and masked", () => {
    const a = generateApiKey();
    expect(a).toMatch(/^sk-[A-Za-z0-9_-]{32}$/);
    expect(generateApiKey()).not.toBe(a);
    expect(hashApiKey(a)).toBe(hashApiKey(a));
    expect(hashApiKey(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(maskApiKey(a)).toBe(`${a.slice(0, 7)}…${a.slice(-4)}`);
    expect(constantTimeEquals("x", "x")).toBe(true);
    expect(constantTimeEquals("x", "xy")).toBe(false);
  });
});

describe("SessionSigner", () => {
  const signer = new SessionSigner(randomBytes(32), "admin-token");

  it("verifies its own sessions until they expire", () => {
    const token = signer.issueKey(7, 60, 1_000);
    expect(signer.verify(token, 2_000)).toMatchObject({ kind: "key", keyId: 7 });
    expect(signer.verify(token, 1_000 + 61_000)).toBeNull();
  });

  it("rejects forged or altered tokens", () => {
    const token = signer.issueAdmin(60);
    const [payload, sig] = token.split(".");
    const forged = Buffer.from(JSON.stringify({ kind: "key", keyId: 1, exp: Date.now() + 1e6 })).toString("base64url");
    expect(signer.verify(`${forged}.${sig}`)).toBeNull();
    // Alter the first character: the last one carries only 4 bits of the signature, so
    // rewriting the tail could decode to the same bytes (1 run in ~1 000 did).
    const altered = `${sig[0] === "A" ? "B" : "A"}${sig.slice(1)}`;
    expect(signer.verify(`${payload}.${altered}`)).toBeNull();
    expect(new SessionSigner(randomBytes(32), "admin-token").verify(token)).toBeNull();
  });

  it("logs admins out when the admin token changes", () => {
    const secret = randomBytes(32);
    const token = new SessionSigner(secret, "old").issueAdmin(60);
    expect(new SessionSigner(secret, "old").verify(token)).not.toBeNull();
    expect(new SessionSigner(secret, "new").verify(token)).toBeNull();
  });

  it("reads a cookie out of a Cookie header", () => {
    expect(readCookie("a=1; cch_session=abc%3D; b=2", "cch_session")).toBe("abc=");
    expect(readCookie(undefined, "cch_session")).toBeUndefined();
  });

  it("reads a mangled cookie as no cookie instead of throwing", () => {
    expect(readCookie("cch_session=%E0%A4%A", "cch_session")).toBeUndefined();
  });

  it("gives every session its own id, and refuses signed payloads without one", () => {
    const secret = randomBytes(32);
    const s = new SessionSigner(secret, "admin-token");
    const a = s.verify(s.issueAdmin(60));
    const b = s.verify(s.issueAdmin(60));
    expect(a?.sid).toBeTruthy();
    expect(a?.sid).not.toBe(b?.sid);
    // Correctly signed, but from before session ids (or not an object at all): not a session.
    const sign = (payload: unknown) => {
      const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
      return `${body}.${createHmac("sha256", secret).update(body).digest("base64url")}`;
    };
    expect(s.verify(sign({ kind: "key", keyId: 1, exp: Date.now() + 60_000 }))).toBeNull();
    expect(s.verify(sign(null))).toBeNull();
  });
});
