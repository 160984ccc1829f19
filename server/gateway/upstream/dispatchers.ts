/**
 * undici dispatchers (connection pools) for upstream calls. One shared Agent serves direct
 * connections; issue-specific variants (proxy, HTTP/2) get their own, created once and reused.
 */
import { Agent, type Dispatcher } from "undici";
import type { CachedProvider } from "../../catalog/types.ts";

export interface DispatcherOptions {
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
}

export class Dispatchers {
  private readonly direct: Agent;

  constructor(private readonly options: DispatcherOptions) {
    this.direct = new Agent({
      connections: 256,
      keepAliveTimeout: 10_000,
      connect: { timeout: options.connectTimeoutMs },
      headersTimeout: options.headersTimeoutMs,
      bodyTimeout: options.bodyTimeoutMs,
    });
  }

  /** The dispatcher for a provider. */
  for(_provider: CachedProvider): Dispatcher {
    return this.direct;
  }

  get timeouts() {
    return this.options;
  }

  async close(): Promise<void> {
    await this.direct.close().catch(() => undefined);
  }
}
