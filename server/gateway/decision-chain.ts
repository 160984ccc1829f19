/**
 * The decision chain stored with every request log row: which providers were candidates, why
 * the others were filtered out, and every attempt made. The log detail view renders it.
 */

import type { UsageEstimate } from "./usage/dropped-stream.ts";

export type AttemptReason = "initial" | "session_reuse" | "retry" | "failover";

export interface FilteredProvider {
  id: number;
  name: string;
  /** Why it was not a candidate, e.g. "disabled", "group_mismatch", "format_mismatch". */
  reason: string;
  detail?: string;
}

export interface CandidateProvider {
  id: number;
  name: string;
  priority: number;
  weight: number;
  /** Probability of being picked among the top-priority candidates. */
  probability?: number;
}

export interface AttemptRecord {
  providerId: number;
  providerName: string;
  reason: AttemptReason;
  /** 1-based attempt number on this provider. */
  attempt: number;
  startedAt: number;
  durationMs?: number;
  statusCode?: number;
  /** e.g. "provider_error", "network_error", "timeout", "client_error", "client_abort". */
  errorClass?: string;
  errorMessage?: string;
  breakerState?: string;
  model?: string;
  /** False when a provider's proxy failed and this attempt went direct (proxy fallback). */
  viaProxy?: boolean;
  /** The format conversion of this attempt ("claude → openai-chat"); absent for passthrough. */
  conversion?: string;
}

export interface DecisionChain {
  groups?: string[];
  candidates: CandidateProvider[];
  filtered: FilteredProvider[];
  attempts: AttemptRecord[];
  session?: { id: string; source: string; boundProviderId?: number; reused: boolean };
  /**
   * The policy that refused the request before any provider was tried: a sensitive word (its id
   * and match type), a user's client list (the entry that matched), a user's model list.
   */
  policy?: { blockedBy: string; ruleId?: number; matchType?: string; rule?: string };
  /** Set when the billed usage is partly estimated (a stream the client dropped before its usage report). */
  usageEstimate?: UsageEstimate;
  /** Request filters that ran (or tried to) on this request, one entry per filter and provider. */
  filters?: FilterNote[];
  /**
   * The format conversion of the last converted attempt and what its encoder left out because
   * the target cannot say it and the answer does not depend on it (steps/convert.ts).
   */
  conversion?: { label: string; dropped: string[] };
}

export interface FilterNote {
  id: number;
  name: string;
  phase: "request" | "response";
  providerId: number;
  /** How many times it acted: once for a request or a JSON response, once per stream event. */
  applied: number;
  /** How many times it could not act (path absent, value of another type); the request went on. */
  skipped: number;
  /** Why it last could not act. */
  skipReason?: string;
}

export function newDecisionChain(): DecisionChain {
  return { candidates: [], filtered: [], attempts: [] };
}
