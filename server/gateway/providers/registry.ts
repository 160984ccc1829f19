/** Provider type → adapter. Types whose adapter is not registered are never selected. */
import type { ProviderType } from "../../catalog/types.ts";
import { claudeAuthProvider } from "./claude-auth/index.ts";
import { claudeProvider } from "./claude/index.ts";
import { geminiCliProvider } from "./gemini-cli/index.ts";
import { geminiProvider } from "./gemini/index.ts";
import type { ProviderAdapter } from "./types.ts";

const ADAPTERS: Partial<Record<ProviderType, ProviderAdapter>> = {
  claude: claudeProvider,
  "claude-auth": claudeAuthProvider,
  gemini: geminiProvider,
  "gemini-cli": geminiCliProvider,
};

export function providerAdapter(type: ProviderType): ProviderAdapter | undefined {
  return ADAPTERS[type];
}
