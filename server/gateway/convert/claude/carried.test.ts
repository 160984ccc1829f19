import { describe, expect, it } from "vitest";
import { carryCallSignature, carryReasoning, readCarried } from "./carried.ts";
import { decodeClaudeRequest } from "./request.ts";

const route = { format: "claude" as const, kind: "generate" as const, path: "/v1/messages" };

describe("tokens carried in thinking signatures", () => {
  it("round-trip reasoning tokens and call signatures", () => {
    const reasoning = carryReasoning({ origin: "gemini", encrypted: "Cs8BAdHtim+/==" })!;
    expect(readCarried(reasoning)).toEqual({ kind: "reasoning", origin: "gemini", encrypted: "Cs8BAdHtim+/==" });
    expect(readCarried(carryCallSignature("sig/+="))).toEqual({ kind: "call", signature: "sig/+=" });
  });

  it("carry nothing for Anthropic's own reasoning or reasoning without tokens", () => {
    expect(carryReasoning({ origin: "claude", signature: "EqQB" })).toBeUndefined();
    expect(carryReasoning({ origin: "openai-chat" })).toBeUndefined();
  });

  it("treat a real or a broken marker as an ordinary signature", () => {
    expect(readCarried("EqQBCkYIBxgCKkB")).toBeUndefined();
    expect(readCarried("cch1.r.unknown-format.e30")).toBeUndefined();
    expect(readCarried("cch1.r.gemini.%%%")).toBeUndefined();
    expect(readCarried("cch1.r.gemini")).toBeUndefined();
    expect(readCarried("cch1.c.")).toBeUndefined();
    expect(readCarried("cch1.x.abc")).toBeUndefined();
    const request = decodeClaudeRequest(
      {
        model: "m",
        messages: [
          {
            role: "assistant",
            content: [
              { type: "thinking", thinking: "t", signature: "cch1.r.unknown-format.e30" },
              // A call signature with no tool_use before it has nothing to belong to.
              { type: "thinking", thinking: "", signature: carryCallSignature("lost") },
              { type: "text", text: "x" },
            ],
          },
        ],
      },
      route,
      "",
    );
    expect(request.messages[0].parts).toEqual([
      { type: "thinking", text: "t", signature: "cch1.r.unknown-format.e30", origin: "claude" },
      { type: "text", text: "x" },
    ]);
  });
});
