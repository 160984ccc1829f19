import { describe, expect, it } from "vitest";
import type { GatewayContext } from "../context.ts";
import { INPUT_BOUNDS } from "../limits/input-bounds.ts";
import { clientSessionId } from "./resolve-session.ts";

function ctx(headers: Record<string, string>, hints: Record<string, unknown> = {}): GatewayContext {
  return { req: { headers }, request: { hints } } as unknown as GatewayContext;
}

describe("the client's session id", () => {
  it("keeps a well-formed id up to the id limit as it is", () => {
    const id = `a-b.c:d_${"e".repeat(INPUT_BOUNDS.sessionIdChars - 8)}`;
    expect(clientSessionId(ctx({ "x-claude-code-session-id": id }))).toEqual({ id, source: "x-claude-code-session-id" });
  });

  it("hashes an id with other characters, so only a fixed-length hash is stored", () => {
    const found = clientSessionId(ctx({}, { prompt_cache_key: "thread 1/ü" }));
    expect(found?.source).toBe("prompt_cache_key");
    expect(found?.id).toMatch(/^h_[0-9a-f]{32}$/);
  });
});
