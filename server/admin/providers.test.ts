import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { Provider } from "../generated/prisma/client.ts";
import { SecretBox } from "../auth/secrets.ts";
import { MASK, maskProxyUrl, openCustomHeaders, sealCustomHeaders, sealProxyUrl } from "../catalog/provider-secrets.ts";
import { providerData, requireCustomInstructions } from "./providers.ts";

const box = new SecretBox(randomBytes(32));

describe("providerData", () => {
  it("seals the upstream key (trimmed), keeps the multiplier exact and drops the id", () => {
    const data = providerData({ id: 5, key: "  sk-upstream  ", costMultiplier: 1.5, limitDailyUsd: 20, name: "acme" }, box);
    expect(box.decrypt(data.keyEncrypted as string)).toBe("sk-upstream");
    expect(data).toMatchObject({ costMultiplier: "1.5", limitDailyUsd: "20", name: "acme" });
    expect(data).not.toHaveProperty("id");
    expect(data).not.toHaveProperty("key");
  });

  it("keeps the stored proxy URL and header values when the edit sends them back masked", () => {
    const proxy = "http://user:pass@proxy.example:8080";
    const before = { proxyUrl: sealProxyUrl(proxy, box), customHeaders: sealCustomHeaders({ "x-secret": "s3cr3t" }, box) } as unknown as Provider;
    const data = providerData({ proxyUrl: maskProxyUrl(proxy), customHeaders: { "x-secret": MASK, "x-new": "v" } }, box, before);
    expect(box.decrypt(data.proxyUrl as string)).toBe(proxy);
    expect(openCustomHeaders(data.customHeaders, box)).toEqual({ "x-secret": "s3cr3t", "x-new": "v" });
  });

  it("leaves secrets it was not sent alone", () => {
    expect(providerData({ name: "acme" }, box)).toEqual({ name: "acme" });
  });
});

describe("requireCustomInstructions", () => {
  it("asks for the text only with the custom strategy", () => {
    expect(() => requireCustomInstructions("custom", "  ")).toThrow(expect.objectContaining({ hubCode: "codexInstructionsMissing" }));
    expect(() => requireCustomInstructions("custom", null)).toThrow();
    expect(() => requireCustomInstructions("custom", "Be brief.")).not.toThrow();
    expect(() => requireCustomInstructions("auto", null)).not.toThrow();
    expect(() => requireCustomInstructions(undefined, undefined)).not.toThrow();
  });
});
