/**
 * Step: which conversation this request belongs to. The id the client sent comes first —
 * Claude Code's x-claude-code-session-id header or the session inside metadata.user_id (JSON
 * or legacy string), Codex's session-id / session_id headers or prompt_cache_key, Gemini CLI's
 * request.session_id — else one derived from the key and the start of the conversation (which
 * stays the same as the conversation grows). Bindings are scoped by API key, so one tenant can
 * never steer another tenant's session by replaying its id.
 */
import { createHash } from "node:crypto";
import type { GatewayContext } from "../context.ts";
import { INPUT_BOUNDS } from "../limits/input-bounds.ts";

/**
 * Ids kept as they are; others (odd characters) are hashed. Over-long ones never get here: the
 * router refuses such headers (431) and the readers such body fields (400), input-bounds.ts.
 */
const VALID_ID = new RegExp(`^[A-Za-z0-9_\\-.:]{1,${INPUT_BOUNDS.sessionIdChars}}$`);
const LEGACY_USER_ID = /_session_([0-9a-fA-F-]{36})/;
/** Bytes of the conversation's beginning that identify it (system prompt and first turns). */
const FINGERPRINT_BYTES = 4096;

function header(ctx: GatewayContext, name: string): string | undefined {
  const v = ctx.req.headers[name];
  return (Array.isArray(v) ? v[0] : v)?.trim() || undefined;
}

function fromMetadata(metadata: unknown): string | undefined {
  if (!metadata || typeof metadata !== "object") return undefined;
  const m = metadata as Record<string, unknown>;
  if (typeof m.user_id === "string") {
    const userId = m.user_id;
    if (userId.startsWith("{")) {
      try {
        const parsed = JSON.parse(userId) as { session_id?: unknown };
        if (typeof parsed.session_id === "string" && parsed.session_id) return parsed.session_id;
      } catch {
        // not JSON after all: try the legacy form
      }
    }
    const legacy = LEGACY_USER_ID.exec(userId);
    if (legacy) return legacy[1];
  }
  if (typeof m.session_id === "string") return m.session_id;
  return undefined;
}

/** The session id the client supplied, and where it came from. */
export function clientSessionId(ctx: GatewayContext): { id: string; source: string } | undefined {
  const hints = ctx.request?.hints ?? {};
  const candidates: Array<[string | undefined, string]> = [
    [header(ctx, "x-claude-code-session-id"), "x-claude-code-session-id"],
    [fromMetadata(hints.metadata), "metadata"],
    [header(ctx, "session-id") ?? header(ctx, "session_id") ?? header(ctx, "x-session-id"), "session header"],
    [typeof hints.prompt_cache_key === "string" ? hints.prompt_cache_key : undefined, "prompt_cache_key"],
    [typeof hints.session_id === "string" ? hints.session_id : undefined, "request.session_id"],
  ];
  for (const [value, source] of candidates) {
    if (!value) continue;
    // Odd ids (and a session id inside metadata.user_id's JSON over the id limit) are hashed rather than trusted as they are.
    const id = VALID_ID.test(value) ? value : `h_${createHash("sha256").update(value).digest("hex").slice(0, 32)}`;
    return { id, source };
  }
  return undefined;
}

/** A stable id from the key and the first bytes of the conversation (messages, input, contents). */
function derivedSessionId(ctx: GatewayContext): string | undefined {
  const range = ctx.request?.ranges.get("conversation");
  if (!range || !ctx.body || !ctx.key) return undefined;
  const end = Math.min(range.end, range.start + FINGERPRINT_BYTES);
  const hash = createHash("sha256").update(String(ctx.key.id)).update(ctx.body.subarray(range.start, end)).digest("hex");
  return `d_${hash.slice(0, 32)}`;
}

export function resolveSession(ctx: GatewayContext): void {
  const client = clientSessionId(ctx);
  const id = client?.id ?? derivedSessionId(ctx);
  if (!id || !ctx.key) return;
  ctx.chain.session = { id, source: client?.source ?? "derived", reused: false };
  ctx.session = { id, bindingKey: `${ctx.key.id}:${id}` };
}
