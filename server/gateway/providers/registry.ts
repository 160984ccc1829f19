/** Provider type → adapter. Types whose adapter is not registered are never selected. */
import type { ProviderType } from "../../catalog/types.ts";
import { claudeAuthProvider } from "./claude-auth/index.ts";
import { claudeProvider } from "./claude/index.ts";
import { codexProvider } from "./codex/index.ts";
import { geminiCliProvider } from "./gemini-cli/index.ts";
import { geminiProvider } from "./gemini/index.ts";
import { openAiCompatibleProvider } from "./openai-compatible/index.ts";
import type { ProviderAdapter } from "./types.ts";

const ADAPTERS: Partial<Record<ProviderType, ProviderAdapter>> = {
  claude: claudeProvider,
  "claude-auth": claudeAuthProvider,
  gemini: geminiProvider,
  "gemini-cli": geminiCliProvider,
  codex: codexProvider,
  "openai-compatible": openAiCompatibleProvider,
};

export function providerAdapter(type: ProviderType): ProviderAdapter | undefined {
  return ADAPTERS[type];
}
