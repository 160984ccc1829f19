/** The request_filters row as the filter engine sees it (unknown stored words fall back to safe defaults). */
import type { RequestFilter as RequestFilterRow } from "../../generated/prisma/client.ts";
import { FILTER_ACTIONS, FILTER_BINDINGS, FILTER_PHASES, FILTER_SCOPES, type FilterDefinition } from "./rules.ts";

function oneOf<T extends string>(allowed: readonly T[], value: string, fallback: T): T {
  return (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

export function toFilterDefinition(row: RequestFilterRow): FilterDefinition {
  return {
    id: row.id,
    name: row.name,
    phase: oneOf(FILTER_PHASES, row.phase, "request"),
    scope: oneOf(FILTER_SCOPES, row.scope, "body"),
    action: oneOf(FILTER_ACTIONS, row.action, "set"),
    target: row.target,
    matchPattern: row.matchPattern,
    value: row.value ?? null,
    priority: row.priority,
    isEnabled: row.isEnabled,
    bindingType: oneOf(FILTER_BINDINGS, row.bindingType, "global"),
    providerIds: row.providerIds,
    groupTags: row.groupTags,
  };
}
