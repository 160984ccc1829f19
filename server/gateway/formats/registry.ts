/** Wire format name → implementation. A route whose format is not registered answers 404. */
import { claudeFormat } from "./claude/index.ts";
import { geminiCliFormat } from "./gemini-cli/index.ts";
import { geminiFormat } from "./gemini/index.ts";
import { openAiChatFormat } from "./openai-chat/index.ts";
import { openAiResponsesFormat } from "./openai-responses/index.ts";
import type { ApiFormat, WireFormat } from "./types.ts";

const FORMATS: Partial<Record<ApiFormat, WireFormat>> = {
  claude: claudeFormat,
  gemini: geminiFormat,
  "gemini-cli": geminiCliFormat,
  "openai-chat": openAiChatFormat,
  "openai-responses": openAiResponsesFormat,
};

export function wireFormat(name: ApiFormat): WireFormat | undefined {
  return FORMATS[name];
}
