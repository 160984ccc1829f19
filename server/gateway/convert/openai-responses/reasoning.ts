/**
 * Reasoning items ⇄ ThinkingPart.
 *
 * A reasoning item from the Responses API carries `encrypted_content` (opaque, verified by
 * OpenAI only) and a summary. When the upstream is another format, the client still receives
 * reasoning items, and Codex sends them back verbatim on the next turn. So that a Claude
 * thinking signature (or a Gemini thought signature, or Claude redacted thinking) survives that
 * round trip, it is carried in `encrypted_content` inside a small envelope:
 * "cch1:<origin>:<kind>:<value>" (kind "sig" = ThinkingPart.signature, "enc" =
 * ThinkingPart.encrypted, "redacted" = ThinkingPart.redacted). decodeRequest opens it again, so
 * the part regains its origin and the upstream of that origin can verify it. Real OpenAI
 * encrypted content is a Fernet token ("gAAAA…") and never starts with "cch1:".
 *
 * Consequence, documented: if such a conversation later goes to a Responses upstream unconverted
 * (same-format passthrough), OpenAI rejects the envelope as invalid encrypted content, as it
 * rejects encrypted content minted by another account. Session affinity keeps this rare.
 */
import type { ApiFormat } from "../../formats/types.ts";
import type { ThinkingPart } from "../neutral.ts";

const ENVELOPE = "cch1:";
const FOREIGN_ORIGINS: ReadonlySet<string> = new Set<ApiFormat>(["claude", "openai-chat", "gemini", "gemini-cli"]);

type EnvelopeKind = "sig" | "enc" | "redacted";

export function wrapForeign(origin: ApiFormat, kind: EnvelopeKind, value: string): string {
  return `${ENVELOPE}${origin}:${kind}:${value}`;
}

/** The `encrypted_content` to send a Responses client for a thinking part, if it has one. */
export function encryptedContentFor(part: ThinkingPart): string | undefined {
  if (part.origin === "openai-responses" || part.origin === undefined) return part.encrypted;
  if (part.signature) return wrapForeign(part.origin, "sig", part.signature);
  if (part.redacted) return wrapForeign(part.origin, "redacted", part.redacted);
  if (part.encrypted) return wrapForeign(part.origin, "enc", part.encrypted);
  return undefined;
}

/** The envelope kind a stream's signature_delta of `origin` fills (Claude signs, the others encrypt). */
export function signatureKind(origin: ApiFormat): EnvelopeKind {
  return origin === "claude" ? "sig" : "enc";
}

/** A thinking part from a reasoning item's text, item id and encrypted content (opening our envelope). */
export function thinkingFromItem(text: string, itemId: string | undefined, encrypted: string | undefined): ThinkingPart {
  if (encrypted?.startsWith(ENVELOPE)) {
    const rest = encrypted.slice(ENVELOPE.length);
    const first = rest.indexOf(":");
    const second = first < 0 ? -1 : rest.indexOf(":", first + 1);
    const origin = first < 0 ? "" : rest.slice(0, first);
    const kind = second < 0 ? "" : rest.slice(first + 1, second);
    if (FOREIGN_ORIGINS.has(origin) && (kind === "sig" || kind === "enc" || kind === "redacted")) {
      const value = rest.slice(second + 1);
      const part: ThinkingPart = { type: "thinking", text, origin: origin as ApiFormat };
      if (kind === "sig") part.signature = value;
      else if (kind === "enc") part.encrypted = value;
      else part.redacted = value;
      return part;
    }
  }
  const part: ThinkingPart = { type: "thinking", text, origin: "openai-responses" };
  if (encrypted) part.encrypted = encrypted;
  if (itemId) part.itemId = itemId;
  return part;
}
