/**
 * Wire format → codec, and which conversions the hub can make (decision 0020). A conversion
 * from C to U is C.decodeRequest → U.encodeRequest on the way up and U's decoder → C's encoder
 * on the way down; every pair of two different registered formats works. Same-format requests
 * never come here: they stay the byte-faithful passthrough.
 */
import type { ApiFormat } from "../formats/types.ts";
import { claudeCodec } from "./claude/index.ts";
import { geminiCliCodec } from "./gemini-cli/index.ts";
import { geminiCodec } from "./gemini/index.ts";
import { openAiChatCodec } from "./openai-chat/index.ts";
import { openAiResponsesCodec } from "./openai-responses/index.ts";
import type { FormatCodec } from "./types.ts";

const CODECS: Record<ApiFormat, FormatCodec> = {
  claude: claudeCodec,
  "openai-chat": openAiChatCodec,
  "openai-responses": openAiResponsesCodec,
  gemini: geminiCodec,
  "gemini-cli": geminiCliCodec,
};

export const CONVERTIBLE_FORMATS = Object.keys(CODECS) as ApiFormat[];

export function codecFor(format: ApiFormat): FormatCodec | undefined {
  return CODECS[format];
}

/** Whether a request of format `from` can be served by an upstream speaking `to` through conversion. */
export function canConvert(from: ApiFormat, to: ApiFormat): boolean {
  return from !== to && CODECS[from] !== undefined && CODECS[to] !== undefined;
}

/** The label recorded in the decision chain and the log row: "claude → openai-chat". */
export function conversionLabel(from: ApiFormat, to: ApiFormat): string {
  return `${from} → ${to}`;
}
