/**
 * Encryption of upstream secrets at rest (provider keys, webhook URLs): AES-256-GCM with a key
 * from ENCRYPTION_KEY. Ciphertexts carry the id of the key that made them, so a wrong key is
 * reported as such instead of as garbage. Decrypted values live only in process memory.
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const VERSION = "v1";

export class SecretBox {
  readonly keyId: string;

  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error("encryption key must be 32 bytes");
    this.keyId = createHash("sha256").update(key).digest("hex").slice(0, 8);
  }

  encrypt(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    const data = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [VERSION, this.keyId, iv.toString("base64url"), tag.toString("base64url"), data.toString("base64url")].join(":");
  }

  decrypt(sealed: string): string {
    const [version, keyId, iv, tag, data] = sealed.split(":");
    if (version !== VERSION || !iv || !tag || data === undefined) throw new Error("not an encrypted secret");
    if (keyId !== this.keyId) {
      throw new Error(`secret was encrypted with key ${keyId}, but ENCRYPTION_KEY is key ${this.keyId}`);
    }
    const decipher = createDecipheriv("aes-256-gcm", this.key, Buffer.from(iv, "base64url"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(data, "base64url")), decipher.final()]).toString("utf8");
  }

  /** A key for another purpose (e.g. signing login cookies), derived so the two never coincide. */
  derive(purpose: string): Buffer {
    return Buffer.from(hkdfSync("sha256", this.key, Buffer.alloc(0), `claude-code-hub:${purpose}`, 32));
  }
}

/** Reads ENCRYPTION_KEY: 32 bytes as base64 or hex, or any passphrase (hashed to 32 bytes). */
export function parseEncryptionKey(value: string): Buffer {
  if (/^[0-9a-f]{64}$/i.test(value)) return Buffer.from(value, "hex");
  const b64 = Buffer.from(value, "base64");
  if (b64.length === 32 && /^[A-Za-z0-9+/_-]+=*$/.test(value)) return b64;
  return createHash("sha256").update(value, "utf8").digest();
}

/**
 * The key from ENCRYPTION_KEY, or — for the one-command start — one generated once and kept in
 * DATA_DIR/encryption.key (production refuses to start without ENCRYPTION_KEY; see env.ts).
 */
export function loadSecretBox(encryptionKey: string | undefined, dataDir: string): { box: SecretBox; generated: boolean; file?: string } {
  if (encryptionKey) return { box: new SecretBox(parseEncryptionKey(encryptionKey)), generated: false };
  const file = path.resolve(dataDir, "encryption.key");
  if (existsSync(file)) return { box: new SecretBox(parseEncryptionKey(readFileSync(file, "utf8").trim())), generated: false, file };
  mkdirSync(path.dirname(file), { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, key.toString("hex") + "\n", { mode: 0o600 });
  return { box: new SecretBox(key), generated: true, file };
}

/** Shows the shape of a secret without revealing it: "sk-a…9f2c". */
export function maskSecret(secret: string): string {
  const trimmed = secret.trim();
  if (trimmed.startsWith("{")) return "{oauth credential}";
  if (trimmed.length <= 8) return "••••";
  const head = trimmed.startsWith("sk-") ? trimmed.slice(0, 5) : trimmed.slice(0, 2);
  return `${head}…${trimmed.slice(-4)}`;
}

/** Whether a stored value is a SecretBox ciphertext (as opposed to a plaintext from before it was encrypted). */
export function isSealed(value: string): boolean {
  return value.startsWith(`${VERSION}:`) && value.split(":").length === 5;
}

/**
 * Upstream error text with the given secrets cut out: some vendors echo the key they were sent
 * ("Incorrect API key provided: sk-…"), and that text is relayed to the client and logged.
 * Values shorter than 8 characters are left alone (they would match ordinary words).
 */
export function redactSecrets(text: Buffer, secrets: readonly string[]): Buffer {
  const present = secrets.filter((s) => s.length >= 8 && text.includes(s));
  if (present.length === 0) return text;
  let out = text.toString("utf8");
  for (const secret of present) out = out.split(secret).join("[redacted]");
  return Buffer.from(out, "utf8");
}
