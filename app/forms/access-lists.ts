/**
 * Access-list fields shared by the user and provider forms: client allow / block lists (one
 * entry per line or comma: a client family such as claude-code, or a User-Agent substring) and,
 * for users, allowed models in the provider rule syntax (app/forms/model-rules.ts).
 */
import { linesField, list } from "./form-data.ts";
import { parseAllowedModels } from "./model-rules.ts";

/** The families the hub derives from a User-Agent (server/policy/client-identity.ts). */
export const CLIENT_FAMILIES = ["claude-code", "codex-cli", "gemini-cli", "sdk", "other"] as const;

/** At most 50 entries of 200 characters, as the API accepts. */
export const clientList = () => list(50, 200);

export const accessListFields = {
  allowedClients: clientList(),
  blockedClients: clientList(),
};

export const userAccessFields = {
  allowedModels: linesField(parseAllowedModels, "form.ruleLine"),
  ...accessListFields,
};
