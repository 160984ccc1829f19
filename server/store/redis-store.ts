/**
 * The Redis store: the state every hub instance shares. Each multi-step change is one Lua
 * script (scripts/*.lua, registered once with defineCommand), so it is atomic and costs one
 * round trip. Pub/sub uses a second connection, as Redis requires.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import type { Logger } from "../logger.ts";
import { createKeyBuilder, type KeyBuilder } from "./keys.ts";
import type { LockoutPolicy, LockoutState, Store } from "./store.ts";

const SCRIPTS_DIR = findScriptsDir();

function findScriptsDir() {
  // Next to this file in development; copied beside the bundle (dist/store-scripts) in production.
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const candidate of [path.join(here, "scripts"), path.join(here, "store-scripts")]) {
    try {
      readFileSync(path.join(candidate, "login-failure.lua"));
      return candidate;
    } catch {
      // try the next location
    }
  }
  return path.join(here, "scripts");
}

function script(name: string) {
  return readFileSync(path.join(SCRIPTS_DIR, `${name}.lua`), "utf8");
}

interface HubRedis extends Redis {
  loginFailure(failuresKey: string, lockKey: string, max: number, windowMs: number, lockoutMs: number): Promise<[number, number, number]>;
}

export interface RedisStoreOptions {
  url: string;
  keyPrefix?: string;
  logger: Logger;
  /** A command that gets no answer within this time fails (default 2000 ms). */
  commandTimeoutMs?: number;
}

export class RedisStore implements Store {
  readonly kind = "redis" as const;
  readonly keys: KeyBuilder;
  private readonly redis: HubRedis;
  private subscriber: Redis | undefined;
  private readonly listeners = new Map<string, Set<(message: string) => void>>();

  constructor(private readonly options: RedisStoreOptions) {
    this.keys = createKeyBuilder(options.keyPrefix);
    this.redis = new Redis(options.url, {
      // While Redis is away, commands fail at once instead of queueing: the callers degrade
      // (fail open or closed, as documented for each) rather than hold requests.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs ?? 2000,
      // Keep reconnecting forever in the background; the hub recovers by itself.
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    }) as HubRedis;
    this.redis.on("error", (error) => options.logger.warn({ err: error.message }, "redis error"));
    this.redis.defineCommand("loginFailure", { numberOfKeys: 2, lua: script("login-failure") });
  }

  /** Waits until the connection is ready, at most timeoutMs; false when it is not (yet). */
  async ready(timeoutMs: number): Promise<boolean> {
    if (this.redis.status === "ready") return true;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.redis.off("ready", onReady);
        resolve(false);
      }, timeoutMs);
      const onReady = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.redis.once("ready", onReady);
    });
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.redis.publish(this.keys.channel(channel), message);
  }

  async subscribe(channel: string, listener: (message: string) => void): Promise<() => void> {
    const subscriber = this.ensureSubscriber();
    const full = this.keys.channel(channel);
    let set = this.listeners.get(full);
    if (!set) {
      set = new Set();
      this.listeners.set(full, set);
      // Not awaited: while Redis is away the SUBSCRIBE waits in the subscriber's offline queue,
      // and ioredis re-subscribes after every reconnect.
      subscriber.subscribe(full).catch((error: Error) => this.options.logger.warn({ err: error.message, channel }, "redis subscribe failed"));
    }
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  async recordLoginFailure(scope: string, policy: LockoutPolicy): Promise<LockoutState> {
    const [locked, failures, retryAfterMs] = await this.redis.loginFailure(
      this.keys.loginFailures(scope),
      this.keys.loginLock(scope),
      policy.maxFailures,
      policy.windowMs,
      policy.lockoutMs,
    );
    return { locked: locked === 1, failures, retryAfterMs };
  }

  async getLockout(scope: string): Promise<LockoutState> {
    const [[, ttl], [, failures]] = (await this.redis
      .multi()
      .pttl(this.keys.loginLock(scope))
      .get(this.keys.loginFailures(scope))
      .exec()) as [[unknown, number], [unknown, string | null]];
    const locked = ttl > 0;
    return { locked, failures: Number(failures ?? 0), retryAfterMs: locked ? ttl : 0 };
  }

  async clearLoginFailures(scope: string): Promise<void> {
    await this.redis.del(this.keys.loginFailures(scope));
  }

  async close(): Promise<void> {
    this.subscriber?.disconnect();
    this.redis.disconnect();
  }

  private ensureSubscriber(): Redis {
    if (this.subscriber) return this.subscriber;
    const subscriber = this.redis.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null, commandTimeout: undefined });
    subscriber.on("error", (error) => this.options.logger.warn({ err: error.message }, "redis subscriber error"));
    subscriber.on("message", (channel: string, message: string) => {
      for (const listener of this.listeners.get(channel) ?? []) listener(message);
    });
    // ioredis re-subscribes by itself after a reconnect.
    this.subscriber = subscriber;
    return subscriber;
  }
}
