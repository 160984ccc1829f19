/** Settlement, idempotent per request id: the twin of scripts/settle.lua. */
import type { SettleRequest } from "../admission.ts";
import { RECORD_GRACE_MS, type QuotaState } from "./quota-lib.ts";

export function settle(q: QuotaState, req: SettleRequest): void {
  const { now } = req;
  const record = q.requests.get(req.requestId);
  if (record?.settled) return; // idempotent per request id
  if (record) {
    for (const scope of record.scopes) q.release(scope, req.requestId, record);
    if (record.probe && record.providerId !== null) q.releaseProbe(record.providerId, req.requestId);
    record.settled = true;
    record.expiresAt = now + RECORD_GRACE_MS;
  } else {
    // Admitted while the store was unreachable: remember the settlement all the same.
    q.requests.set(req.requestId, { scopes: [], amount: 0, session: "", providerId: null, probe: false, settled: true, expiresAt: now + RECORD_GRACE_MS });
  }
  if (req.costNano > 0) {
    for (const spec of req.scopes.filter((s) => s.windows.length > 0)) {
      // Counters not yet hydrated get this spend from the ledger when they are.
      const state = q.scopes.get(spec.scope);
      if (state?.signature === spec.signature) q.addSpend(state, spec, req.costNano, now);
    }
  }
  if (req.providerId !== null && req.breakerConfig) {
    if (req.breaker === "success") q.breakerSuccess(req.providerId, req.breakerConfig, now);
    else if (req.breaker === "failure") q.breakerFailure(req.providerId, req.breakerConfig, now);
  }
  if (req.bind) q.bindings.set(req.bind.bindingKey, { providerId: req.bind.providerId, expiresAt: now + req.bind.ttlMs });
}
