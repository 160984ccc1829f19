/**
 * A provider's proxy URL and custom headers are secrets too: proxy URLs carry credentials
 * (http://user:password@proxy) and custom headers often carry a second API key or a gateway
 * token. They are stored encrypted like the upstream key, in the same columns:
 *
 * - proxy_url holds the SecretBox ciphertext of the URL;
 * - custom_headers holds {"$sealed": "<ciphertext of the JSON object>"} (an empty object stays
 *   {}: there is nothing to hide, and the column keeps its default).
 *
 * Rows written before this still hold plaintext; reading accepts both, and the catalog seals
 * such rows once at start (`sealPlaintextProviderSecrets`), when ENCRYPTION_KEY is known (a SQL
 * migration cannot encrypt: it never sees the key). See docs/decisions/0015.
 */
import type { Prisma } from "../generated/prisma/client.ts";
import type { Db } from "../db/database.ts";
import type { Logger } from "../logger.ts";
import { isSealed, type SecretBox } from "../auth/secrets.ts";

export const SEALED_FIELD = "$sealed";
/** What every custom header value and a proxy password look like outside the hub. */
export const MASK = "****";

function stringRecord(value: unknown): Record<string, string> {
  if (!value || typeof value !== "object" || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => typeof v === "string")) as Record<string, string>;
}

function sealedPayload(stored: unknown): string | undefined {
  if (!stored || typeof stored !== "object" || Array.isArray(stored)) return undefined;
  const sealed = (stored as Record<string, unknown>)[SEALED_FIELD];
  return typeof sealed === "string" ? sealed : undefined;
}

export function sealProxyUrl(url: string | null, box: SecretBox): string | null {
  return url === null ? null : box.encrypt(url);
}

/** The proxy URL to dial; a plaintext (not yet sealed) value is returned as it is. */
export function openProxyUrl(stored: string | null, box: SecretBox): string | null {
  if (stored === null) return null;
  return isSealed(stored) ? box.decrypt(stored) : stored;
}

export function sealCustomHeaders(headers: Record<string, string>, box: SecretBox): Prisma.InputJsonValue {
  return Object.keys(headers).length === 0 ? {} : { [SEALED_FIELD]: box.encrypt(JSON.stringify(headers)) };
}

/** The headers to send; a plaintext (not yet sealed) object is returned as it is. */
export function openCustomHeaders(stored: unknown, box: SecretBox): Record<string, string> {
  const sealed = sealedPayload(stored);
  return sealed === undefined ? stringRecord(stored) : stringRecord(JSON.parse(box.decrypt(sealed)));
}

/** "http://user:****@proxy:8080": the user and host stay readable, the password does not. */
export function maskProxyUrl(url: string | null): string | null {
  if (url === null) return null;
  try {
    const parsed = new URL(url);
    if (!parsed.password) return url;
    parsed.password = MASK;
    return parsed.toString();
  } catch {
    return MASK;
  }
}

/** Header names stay readable; every value is masked (any of them may be a credential). */
export function maskCustomHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(headers).map((name) => [name, MASK]));
}

/**
 * The proxy URL to store for an edit: a submitted value equal to the masked stored one means
 * "unchanged" (the form shows the masked URL), so the stored password is kept.
 */
export function mergeProxyUrl(submitted: string | null, current: string | null): string | null {
  if (submitted !== null && current !== null && submitted === maskProxyUrl(current)) return current;
  return submitted;
}

/** The headers to store for an edit: a header submitted with the masked value keeps its stored value. */
export function mergeCustomHeaders(submitted: Record<string, string>, current: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(submitted).map(([name, value]) => [name, value === MASK && name in current ? current[name] : value]),
  );
}

/**
 * Encrypts proxy URLs and custom headers still stored in plaintext. Each update is conditional
 * on the plaintext still being there, so two instances starting together do not seal twice.
 */
export async function sealPlaintextProviderSecrets(db: Db, box: SecretBox, logger: Logger): Promise<number> {
  const rows = await db.provider.findMany({ select: { id: true, proxyUrl: true, customHeaders: true } });
  let sealed = 0;
  for (const row of rows) {
    if (row.proxyUrl !== null && !isSealed(row.proxyUrl)) {
      const result = await db.provider.updateMany({ where: { id: row.id, proxyUrl: row.proxyUrl }, data: { proxyUrl: box.encrypt(row.proxyUrl) } });
      sealed += result.count;
    }
    const headers = stringRecord(row.customHeaders);
    if (sealedPayload(row.customHeaders) === undefined && Object.keys(headers).length > 0) {
      const result = await db.provider.updateMany({
        where: { id: row.id, customHeaders: { equals: row.customHeaders as Prisma.InputJsonValue } },
        data: { customHeaders: sealCustomHeaders(headers, box) },
      });
      sealed += result.count;
    }
  }
  if (sealed > 0) logger.info({ sealed }, "encrypted provider proxy URLs and custom headers stored in plaintext");
  return sealed;
}
