import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { clientIp, internalHopHeaders } from "./client-ip.ts";

function request(headers: Record<string, string | string[]>, remoteAddress = "10.0.0.2"): IncomingMessage {
  return { headers, socket: { remoteAddress } } as unknown as IncomingMessage;
}

describe("clientIp", () => {
  it("uses the socket address and ignores X-Forwarded-For unless TRUST_PROXY is set", () => {
    expect(clientIp(request({ "x-forwarded-for": "203.0.113.7" }), false)).toBe("10.0.0.2");
    expect(clientIp(request({ "x-forwarded-for": "203.0.113.7" }), 0)).toBe("10.0.0.2");
  });

  it("behind one proxy takes the entry that proxy appended, not the left-most one the client sent", () => {
    // The client sent "X-Forwarded-For: 1.2.3.4"; the proxy appended the address it saw.
    const spoofed = request({ "x-forwarded-for": "1.2.3.4, 203.0.113.7" });
    expect(clientIp(spoofed, true)).toBe("203.0.113.7");
    expect(clientIp(spoofed, 1)).toBe("203.0.113.7");
    expect(clientIp(request({ "x-forwarded-for": ["1.2.3.4", "203.0.113.7"] }), true)).toBe("203.0.113.7");
  });

  it("behind two proxies skips the entry the second proxy wrote", () => {
    const req = request({ "x-forwarded-for": "1.2.3.4, 203.0.113.7, 10.0.0.9" });
    expect(clientIp(req, 2)).toBe("203.0.113.7");
    // A chain shorter than the configured hops: the left-most entry a proxy wrote.
    expect(clientIp(request({ "x-forwarded-for": "203.0.113.7" }), 2)).toBe("203.0.113.7");
  });

  it("falls back to the socket address when the trusted entry is not an address", () => {
    expect(clientIp(request({ "x-forwarded-for": "1.2.3.4, unknown" }), true)).toBe("10.0.0.2");
    expect(clientIp(request({ "x-forwarded-for": " , " }), true)).toBe("10.0.0.2");
  });

  it("believes the client address of an internal hop only with this process's secret", () => {
    expect(clientIp(request({ ...internalHopHeaders("198.51.100.9") }, "127.0.0.1"), false)).toBe("198.51.100.9");
    expect(clientIp(request({ "x-cch-internal-hop": "guessed", "x-cch-client-ip": "198.51.100.9" }, "127.0.0.1"), false)).toBe("127.0.0.1");
  });
});
