/**
 * Who is calling, as far as the User-Agent tells, and the allow / block lists of users and
 * providers that refer to it.
 *
 * A list entry is either a client family name — `claude-code`, `codex-cli`, `gemini-cli`, `sdk`,
 * `other` — or any other text, matched as a case-insensitive substring of the raw User-Agent
 * (`claude-cli/1.`, `Cursor`). Family names are reserved words, so an entry never means both.
 */
import { parseClientUserAgent } from "../gateway/steps/check-client-version.ts";

export type ClientFamily = "claude-code" | "codex-cli" | "gemini-cli" | "sdk" | "other";
export const CLIENT_FAMILIES: readonly ClientFamily[] = ["claude-code", "codex-cli", "gemini-cli", "sdk", "other"];

/** Bounds on the lists an admin saves and on the User-Agent text the hub matches. */
export const MAX_CLIENT_ENTRIES = 50;
export const MAX_CLIENT_ENTRY_LENGTH = 200;
const MAX_USER_AGENT_LENGTH = 1024;

export interface ClientIdentity {
  family: ClientFamily;
  /** The User-Agent, lower-cased and cut to a bounded length ("" when absent). */
  userAgent: string;
}

/** First-party CLIs by the name in their User-Agent's leading `name/version`. */
const CLI_FAMILIES: Record<string, ClientFamily> = {
  "claude-cli": "claude-code",
  "claude-code": "claude-code",
  codex_cli_rs: "codex-cli",
  codex_exec: "codex-cli",
  codex_vscode: "codex-cli",
  "codex-cli": "codex-cli",
  geminicli: "gemini-cli",
  "gemini-cli": "gemini-cli",
};

/** Official and common SDK User-Agents (Anthropic, OpenAI, Google GenAI, and their HTTP stacks). */
const SDK = /^(anthropic\/|anthropic-sdk|openai\/|openai-python|google-genai-sdk|google-api-nodejs-client|genai-sdk)|\b(anthropic|openai)\/(js|python)\b/;

export function clientIdentity(userAgent: string | undefined): ClientIdentity {
  const ua = (userAgent ?? "").slice(0, MAX_USER_AGENT_LENGTH).trim().toLowerCase();
  const named = parseClientUserAgent(ua)?.client;
  let family: ClientFamily = (named && CLI_FAMILIES[named]) || "other";
  if (family === "other") {
    if (ua.includes("geminicli/") || ua.includes("gemini-cli/")) family = "gemini-cli";
    else if (SDK.test(ua)) family = "sdk";
  }
  return { family, userAgent: ua };
}

/** Whether one list entry names this client. */
export function clientEntryMatches(entry: string, client: ClientIdentity): boolean {
  const e = entry.trim().toLowerCase();
  if (!e) return false;
  if ((CLIENT_FAMILIES as readonly string[]).includes(e)) return client.family === e;
  return client.userAgent.includes(e);
}

export type ClientVerdict = { allowed: true } | { allowed: false; reason: "client_blocked" | "client_not_allowed"; rule: string | undefined };

/** A block entry that matches refuses; a non-empty allow list refuses a client none of its entries names. */
export function judgeClient(allowed: readonly string[], blocked: readonly string[], client: ClientIdentity): ClientVerdict {
  const block = blocked.find((entry) => clientEntryMatches(entry, client));
  if (block !== undefined) return { allowed: false, reason: "client_blocked", rule: block };
  if (allowed.some((entry) => entry.trim())) {
    if (!allowed.some((entry) => clientEntryMatches(entry, client))) return { allowed: false, reason: "client_not_allowed", rule: undefined };
  }
  return { allowed: true };
}
