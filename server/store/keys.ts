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
}

export function createKeyBuilder(prefix = "cch:"): KeyBuilder {
  return {
    loginFailures: (scope) => `${prefix}login:{${scope}}:failures`,
    loginLock: (scope) => `${prefix}login:{${scope}}:lock`,
    channel: (name) => `${prefix}channel:${name}`,
  };
}
