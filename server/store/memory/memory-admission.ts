/**
 * Admission, failover and settlement for the in-process store: one file per operation, as the
 * Lua scripts are on Redis (scripts/admit.lua … and their shared quota-lib.lua ↔ quota-lib.ts).
 * This class only routes the AdmissionStore calls to them.
 */
import type { AdmissionStore, AdmitRequest, AdmitResult, BreakerStatus, FailoverRequest, HydrationData, ScopeSpec, ScopeUsage, SettleRequest } from "../admission.ts";
import { admit } from "./admit.ts";
import { breakerStatus } from "./breaker-status.ts";
import { failover } from "./failover.ts";
import { hydrate } from "./hydrate.ts";
import { QuotaState } from "./quota-lib.ts";
import { settle } from "./settle.ts";
import { inFlight, usage } from "./usage.ts";

export class MemoryAdmission implements AdmissionStore {
  private readonly q = new QuotaState();

  async admit(req: AdmitRequest): Promise<AdmitResult> {
    return admit(this.q, req);
  }

  async failover(req: FailoverRequest): Promise<AdmitResult> {
    return failover(this.q, req);
  }

  async settle(req: SettleRequest): Promise<void> {
    settle(this.q, req);
  }

  async hydrate(spec: ScopeSpec, data: HydrationData, now: number): Promise<void> {
    hydrate(this.q, spec, data, now);
  }

  async usage(specs: ScopeSpec[], now: number): Promise<ScopeUsage[]> {
    return usage(this.q, specs, now);
  }

  async resetScope(scope: string): Promise<void> {
    const state = this.q.scopes.get(scope);
    if (state) state.signature = null;
  }

  async breakerStatus(providerIds: number[], now: number): Promise<BreakerStatus[]> {
    return breakerStatus(this.q, providerIds, now);
  }

  async resetBreaker(providerId: number): Promise<void> {
    this.q.breakers.delete(providerId);
  }

  /** The live bindings among `keys` (sessions page). */
  async sessionBindings(keys: string[], now: number): Promise<Map<string, number>> {
    const found = new Map<string, number>();
    for (const key of keys) {
      const providerId = this.q.binding(key, now);
      if (providerId !== undefined) found.set(key, providerId);
    }
    return found;
  }

  async unbindSession(key: string, now: number): Promise<boolean> {
    const live = this.q.binding(key, now) !== undefined;
    this.q.bindings.delete(key);
    return live;
  }

  async inFlight(scope: string, now: number) {
    return inFlight(this.q, scope, now);
  }
}
