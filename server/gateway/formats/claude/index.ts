/** The Anthropic Messages wire format (/v1/messages, /v1/messages/count_tokens). */
import type { WireFormat } from "../types.ts";
import { renderClaudeError, renderClaudeStreamError } from "./errors.ts";
import { readClaudeRequest } from "./request.ts";
import { createClaudeStreamTap, summarizeClaudeJson } from "./response.ts";

export const claudeFormat: WireFormat = {
  name: "claude",
  readRequest: readClaudeRequest,
  summarizeJson: summarizeClaudeJson,
  createStreamTap: createClaudeStreamTap,
  renderError: renderClaudeError,
  renderStreamError: renderClaudeStreamError,
};
