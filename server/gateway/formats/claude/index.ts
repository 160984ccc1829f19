/** The Anthropic Messages wire format (/v1/messages, /v1/messages/count_tokens). */
import type { WireFormat } from "../types.ts";
import { renderClaudeError, renderClaudeStreamError } from "./errors.ts";
import { prepareClaudeUpstream, readClaudeRequest } from "./request.ts";
import { createClaudeStreamTap, summarizeClaudeJson } from "./response.ts";

export const claudeFormat: WireFormat = {
  name: "claude",
  readRequest: readClaudeRequest,
  prepareUpstream: prepareClaudeUpstream,
  summarizeJson: summarizeClaudeJson,
  createStreamTap: createClaudeStreamTap,
  renderError: renderClaudeError,
  renderStreamError: renderClaudeStreamError,
};
