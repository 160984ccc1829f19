/** Failover after a provider failed before anything reached the client: the twin of scripts/failover.lua. */
import type { AdmitResult, CandidateSkip, FailoverRequest } from "../admission.ts";
import { limited, type QuotaState } from "./quota-lib.ts";

export function failover(q: QuotaState, req: FailoverRequest): AdmitResult {
  const { now } = req;
  const record = q.liveRecord(req.requestId, now);
  const failedScope = `p:${req.failedProviderId}`;
  if (record && !record.settled) {
    q.release(failedScope, req.requestId, record);
    record.scopes = record.scopes.filter((s) => s !== failedScope);
    if (record.probe) q.releaseProbe(req.failedProviderId, req.requestId);
    record.probe = false;
    record.providerId = null;
  }
  if (req.countFailure) q.breakerFailure(req.failedProviderId, req.failedBreaker, now);
  const unhydrated = q.unhydrated(req.passthrough ? [] : req.candidates.map((c) => c.limits));
  if (unhydrated.length) return { status: "unhydrated", scopes: unhydrated };
  // A settled request is no longer part of its conversation: it counts as its own session,
  // whether or not its record is still kept (failover.lua does the same).
  const session = record && !record.settled ? record.session : req.requestId;
  const skipped: CandidateSkip[] = [];
  const chosen = q.firstAcceptable(req.candidates, req, session, now, skipped);
  if (!chosen) return { status: "no_provider", skipped };
  const probe = q.takeProbe(chosen.candidate.providerId, chosen.state, req.requestId, now + req.holdMs);
  // What the request holds: nothing once it has settled.
  const amount = record && !record.settled ? record.amount : 0;
  // A settled request holds nothing any more (a late failover must not take what no
  // settlement will release), as in failover.lua.
  if (record && !record.settled && !req.passthrough && limited(chosen.candidate.limits)) {
    q.hold(chosen.candidate.limits, req.requestId, record, now);
    record.scopes.push(chosen.candidate.limits.scope);
  }
  if (record && !record.settled) {
    record.providerId = chosen.candidate.providerId;
    record.probe = probe;
  }
  return { status: "admitted", providerId: chosen.candidate.providerId, via: "order", sessionMoved: false, reservedNano: amount, breakerState: chosen.state, skipped };
}
