/**
 * Other vendors' opaque reasoning tokens, carried through a Claude client and back.
 *
 * A Claude client on a converted upstream receives reasoning the upstream wants replayed: OpenAI
 * Responses encrypted_content (and the reasoning item id), Gemini thoughtSignature (Gemini 3
 * refuses a tool round whose functionCall lost its signature). Anthropic's only opaque,
 * replayed-verbatim slot is a thinking block's `signature`, so the token travels there, marked
 * so that decodeRequest recognises it on the next turn:
 *
 *   cch1.r.<origin>.<base64url(JSON {e?, i?, s?})>  reasoning (encrypted, itemId, signature)
 *   cch1.c.<base64url(signature)>                   the signature of the tool_use just before it
 *
 * A real Anthropic signature never starts with "cch1." (they are base64 of a protobuf); a
 * marked value that does not parse is treated as an ordinary signature.
 */
import type { ApiFormat } from "../../formats/types.ts";
import type { ThinkingPart } from "../neutral.ts";

const PREFIX = "cch1.";
const REASONING = "cch1.r.";
const CALL = "cch1.c.";
const FOREIGN: ReadonlySet<string> = new Set<ApiFormat>(["openai-chat", "openai-responses", "gemini", "gemini-cli"]);

export type Carried = { kind: "reasoning"; origin: ApiFormat; encrypted?: string; itemId?: string; signature?: string } | { kind: "call"; signature: string };

/** The signature that carries a foreign reasoning part's tokens, or undefined when it has none. */
export function carryReasoning(part: Pick<ThinkingPart, "origin" | "encrypted" | "itemId" | "signature">): string | undefined {
  if (!part.origin || !FOREIGN.has(part.origin)) return undefined;
  if (part.encrypted === undefined && part.itemId === undefined && part.signature === undefined) return undefined;
  const payload: { e?: string; i?: string; s?: string } = {};
  if (part.encrypted !== undefined) payload.e = part.encrypted;
  if (part.itemId !== undefined) payload.i = part.itemId;
  if (part.signature !== undefined) payload.s = part.signature;
  return `${REASONING}${part.origin}.${Buffer.from(JSON.stringify(payload)).toString("base64url")}`;
}

/** The signature that carries a tool call's (Gemini) signature. */
export function carryCallSignature(signature: string): string {
  return CALL + Buffer.from(signature).toString("base64url");
}

export function readCarried(signature: string): Carried | undefined {
  if (!signature.startsWith(PREFIX)) return undefined;
  if (signature.startsWith(CALL)) {
    const value = Buffer.from(signature.slice(CALL.length), "base64url").toString("utf8");
    return value ? { kind: "call", signature: value } : undefined;
  }
  if (!signature.startsWith(REASONING)) return undefined;
  const dot = signature.indexOf(".", REASONING.length);
  const origin = signature.slice(REASONING.length, dot);
  if (dot < 0 || !FOREIGN.has(origin)) return undefined;
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(signature.slice(dot + 1), "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
  if (!payload || typeof payload !== "object") return undefined;
  const { e, i, s } = payload as Record<string, unknown>;
  const carried: Carried = { kind: "reasoning", origin: origin as ApiFormat };
  if (typeof e === "string") carried.encrypted = e;
  if (typeof i === "string") carried.itemId = i;
  if (typeof s === "string") carried.signature = s;
  return carried;
}
