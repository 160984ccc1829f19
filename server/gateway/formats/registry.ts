/** Wire format name → implementation. A route whose format is not registered answers 404. */
import { claudeFormat } from "./claude/index.ts";
import type { ApiFormat, WireFormat } from "./types.ts";

const FORMATS: Partial<Record<ApiFormat, WireFormat>> = {
  claude: claudeFormat,
};

export function wireFormat(name: ApiFormat): WireFormat | undefined {
  return FORMATS[name];
}
