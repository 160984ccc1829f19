/** Admission of one request: the twin of scripts/admit.lua (see admission.ts AdmitRequest / AdmitResult). */
import type { AdmitRequest, AdmitResult, CandidateSkip, ProviderCandidate, BreakerState } from "../admission.ts";
import { limited, type QuotaState, type RequestRecord } from "./quota-lib.ts";

export function admit(q: QuotaState, req: AdmitRequest): AdmitResult {
  const { now } = req;
  q.gc(now);
  // 1. Counters that are not trusted must be rebuilt first.
  const unhydrated = q.unhydrated(req.passthrough ? [] : [...req.scopes, ...req.candidates.map((c) => c.limits)]);
  if (unhydrated.length) return { status: "unhydrated", scopes: unhydrated };
  const session = req.session?.id ?? req.requestId;

  // 2. The caller's own limits. A scope whose room is smaller than the estimate admits the
  //    request into that partial room only if no other request holds a partial room there:
  //    this is what bounds an overspend to one request (docs/decisions/0009).
  const partialScopes: string[] = [];
  if (!req.passthrough) {
    for (const spec of req.scopes) {
      const hit = q.check(spec, session, now) ?? q.partialBlocked(spec, req.estimateNano, now, partialScopes);
      if (hit && req.enforce) return { status: "limited", hit };
    }
  }

  // 3. The provider: the session's binding first, unless a reclaiming provider outranks it.
  const skipped: CandidateSkip[] = [];
  const bound = req.session ? q.binding(req.session.bindingKey, now) : undefined;
  const boundCandidate = bound === undefined ? undefined : req.candidates.find((c) => c.providerId === bound && !c.disableSessionReuse);
  let chosen: { candidate: ProviderCandidate; state: BreakerState } | undefined;
  let via: "session" | "order" = "order";
  if (boundCandidate) {
    const reclaimers = req.candidates.filter((c) => c.reclaimSessions && c.priority < boundCandidate.priority);
    chosen = q.firstAcceptable(reclaimers, req, session, now, []);
    if (!chosen) {
      chosen = q.firstAcceptable([boundCandidate], req, session, now, skipped);
      if (chosen) via = "session";
    }
  }
  if (!chosen) chosen = q.firstAcceptable(req.candidates, req, session, now, skipped);
  if (!chosen) return { status: "no_provider", skipped };

  // 4. Reserve on every scope (the key's, the user's, the chosen provider's).
  const specs = [...req.scopes, chosen.candidate.limits];
  const amount = req.passthrough ? 0 : q.reservable(specs, req.estimateNano, now);
  const probe = q.takeProbe(chosen.candidate.providerId, chosen.state, req.requestId, now + req.holdMs);
  const held = req.passthrough ? [] : specs.filter(limited);
  const record: RequestRecord = {
    scopes: held.map((s) => s.scope),
    amount,
    session,
    providerId: chosen.candidate.providerId,
    probe,
    settled: false,
    expiresAt: now + req.holdMs,
  };
  for (const spec of held) q.hold(spec, req.requestId, record, now);
  for (const scope of partialScopes) q.state(scope, now).partial = req.requestId;
  q.requests.set(req.requestId, record);
  return {
    status: "admitted",
    providerId: chosen.candidate.providerId,
    via,
    sessionMoved: bound !== undefined && bound !== chosen.candidate.providerId,
    reservedNano: amount,
    breakerState: chosen.state,
    skipped,
  };
}
