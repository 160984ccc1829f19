/**
 * A target's config (URL, tokens, signing secret) is a secret as a whole: stored as one
 * SecretBox ciphertext, decrypted only into the dispatcher's memory, and shown to admins masked:
 * URLs as scheme and host (the robot's key or hook id is the rest), secrets as "****".
 *
 * On edit, a field left empty or sent back exactly as masked keeps the stored value, so the
 * form can show the masked config and save it unchanged.
 */
import type { SecretBox } from "../auth/secrets.ts";
import { CHANNELS } from "./channels/registry.ts";
import type { TargetType } from "./channels/types.ts";

export const MASK = "****";

export type TargetConfig = Record<string, unknown>;

export function maskUrl(value: string): string {
  try {
    const url = new URL(value);
    return `${url.protocol}//${url.host}/${MASK}`;
  } catch {
    return MASK;
  }
}

/** The config as admins see it. */
export function maskConfig(type: TargetType, config: TargetConfig): Record<string, string> {
  const channel = CHANNELS[type];
  const out: Record<string, string> = {};
  for (const [field, value] of Object.entries(config)) {
    if (value === undefined || value === null) continue;
    if (channel.secretFields.includes(field)) out[field] = MASK;
    else if (channel.urlFields.includes(field)) out[field] = maskUrl(String(value));
    else out[field] = String(value);
  }
  return out;
}

/**
 * The config to validate and store for an edit: submitted fields that are empty or equal to
 * their masked stored value are taken from the stored config.
 */
export function mergeConfig(type: TargetType, submitted: Record<string, unknown>, stored: TargetConfig | null): Record<string, unknown> {
  if (!stored) return submitted;
  const masked = maskConfig(type, stored);
  const out: Record<string, unknown> = { ...submitted };
  const channel = CHANNELS[type];
  for (const field of [...channel.secretFields, ...channel.urlFields]) {
    const value = submitted[field];
    if ((value === undefined || value === "" || value === masked[field]) && stored[field] !== undefined) out[field] = stored[field];
  }
  return out;
}

export function sealConfig(config: TargetConfig, box: SecretBox): string {
  return box.encrypt(JSON.stringify(config));
}

export function openConfig(sealed: string, box: SecretBox): TargetConfig {
  return JSON.parse(box.decrypt(sealed)) as TargetConfig;
}
