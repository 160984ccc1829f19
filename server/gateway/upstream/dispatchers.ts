/**
 * undici dispatchers (connection pools) for upstream calls, one per way of reaching upstreams:
 * direct, through a provider's HTTP(S) proxy (CONNECT tunnel), or through a SOCKS5 proxy; each
 * with HTTP/2 when the system setting enables it (ALPN; HTTP/1.1 when the upstream declines).
 * undici's SOCKS5 agent offers no ALPN, so upstreams behind a SOCKS5 proxy stay on HTTP/1.1.
 * Created on first use and reused; a changed proxy URL simply makes a new one.
 */
import { rootCertificates } from "node:tls";
import { Agent, ProxyAgent, Socks5ProxyAgent, type Dispatcher } from "undici";
import type { CachedProvider } from "../../catalog/types.ts";

export interface DispatcherOptions {
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  /** Read at each call: the system setting "HTTP/2 to upstreams". */
  http2: () => boolean;
  /** Extra certificate authorities (PEM) trusted for upstream TLS, on top of the public roots. */
  extraCa?: string;
}

/** Pools idle longer than this (e.g. for a proxy URL no longer used) are closed. */
const IDLE_CLOSE_MS = 10 * 60_000;

export class Dispatchers {
  private readonly pools = new Map<string, { dispatcher: Dispatcher; usedAt: number }>();
  private sweeper: NodeJS.Timeout;

  constructor(private readonly options: DispatcherOptions) {
    this.sweeper = setInterval(() => this.sweep(), IDLE_CLOSE_MS);
    this.sweeper.unref();
  }

  /** The dispatcher for a provider: through its proxy unless `direct` (the proxy fallback). */
  for(provider: CachedProvider, direct = false): Dispatcher {
    const proxy = direct ? null : provider.proxyUrl;
    const http2 = this.options.http2();
    const id = `${proxy ?? "direct"}|${http2 ? "h2" : "h1"}`;
    let entry = this.pools.get(id);
    if (!entry) {
      entry = { dispatcher: this.create(proxy, http2), usedAt: Date.now() };
      this.pools.set(id, entry);
    }
    entry.usedAt = Date.now();
    return entry.dispatcher;
  }

  get timeouts() {
    return this.options;
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    await Promise.all([...this.pools.values()].map((e) => e.dispatcher.close().catch(() => undefined)));
    this.pools.clear();
  }

  private create(proxy: string | null, http2: boolean): Dispatcher {
    const tls = this.options.extraCa ? { ca: [...rootCertificates, this.options.extraCa] } : {};
    const common = {
      connections: 256,
      keepAliveTimeout: 10_000,
      headersTimeout: this.options.headersTimeoutMs,
      bodyTimeout: this.options.bodyTimeoutMs,
      allowH2: http2,
    };
    if (!proxy) return new Agent({ ...common, connect: { ...tls, timeout: this.options.connectTimeoutMs } });
    const url = new URL(proxy);
    if (url.protocol === "socks5:" || url.protocol === "socks5h:") {
      // requestTls (TLS to the upstream through the tunnel) is read by undici 7 but missing from its types.
      const options: Socks5ProxyAgent.Options & { requestTls: typeof tls } = {
        ...common,
        username: url.username ? decodeURIComponent(url.username) : undefined,
        password: url.password ? decodeURIComponent(url.password) : undefined,
        requestTls: tls,
      };
      return new Socks5ProxyAgent(url, options);
    }
    return new ProxyAgent({
      ...common,
      uri: proxy,
      connect: { timeout: this.options.connectTimeoutMs },
      requestTls: tls,
      // Tunnel even plain-HTTP upstreams, so the proxy sees no request content.
      proxyTunnel: true,
    });
  }

  private sweep() {
    const cutoff = Date.now() - IDLE_CLOSE_MS;
    for (const [id, entry] of this.pools) {
      if (entry.usedAt < cutoff && !id.startsWith("direct")) {
        this.pools.delete(id);
        void entry.dispatcher.close().catch(() => undefined);
      }
    }
  }
}
