/**
 * Every store key is built here, so their shapes and lifetimes are visible in one place.
 * Keys that one Lua script touches together share a {hash tag}, so the scripts keep working
 * on Redis Cluster. Every key gets a TTL when it is created, unless its comment says why not.
 */
export interface KeyBuilder {
  /** Failed logins of a scope in the current window (TTL: the window). */
  loginFailures(scope: string): string;
  /** Present while a scope is locked out (TTL: the lockout). */
  loginLock(scope: string): string;
  /** Pub/sub channel names are prefixed too, so test runs do not hear each other. */
  channel(name: string): string;
  /** One 10-minute bucket of the output-token figures (output-figures.ts; TTL: the figures' span). */
  outputFigures(bucket: number): string;
  /**
   * Quota, session and breaker keys. They all carry the hash tag {q}: the admission scripts
   * touch several of them at once, so they must share a Redis Cluster slot. The scripts build
   * the same names from `prefix` (server/store/scripts/quota-lib.lua lists every key and its TTL).
   */
  quota: {
    prefix: string;
    /**
     * The records of the requests admitted in one minute (`Math.floor(admittedAt / 60_000)`): a
     * hash, request id -> what it holds or that it settled (decision 0024, "Records by the minute").
     */
    requestRecords(minute: number): string;
    /** A scope's hash: its counters and the holds of the requests in flight on it. */
    scope(scope: string): string;
    breaker(providerId: number): string;
    probes(providerId: number): string;
    /** A session's provider binding (set by settle.lua; read here only by the sessions page). */
    sessionBinding(bindingKey: string): string;
  };
  /** A named lock (store.tryLock); its value is the holder's token (TTL: the lock's). */
  lock(name: string): string;
}

export function createKeyBuilder(prefix = "cch:"): KeyBuilder {
  return {
    loginFailures: (scope) => `${prefix}login:{${scope}}:failures`,
    loginLock: (scope) => `${prefix}login:{${scope}}:lock`,
    channel: (name) => `${prefix}channel:${name}`,
    outputFigures: (bucket) => `${prefix}out:${bucket}`,
    quota: {
      prefix: `${prefix}{q}`,
      requestRecords: (minute) => `${prefix}{q}rb:${minute}`,
      scope: (scope) => `${prefix}{q}sc:${scope}`,
      breaker: (id) => `${prefix}{q}b:${id}`,
      probes: (id) => `${prefix}{q}bp:${id}`,
      sessionBinding: (bindingKey) => `${prefix}{q}sb:${bindingKey}`,
    },
    lock: (name) => `${prefix}lock:${name}`,
  };
}
