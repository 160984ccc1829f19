import { describe, expect, it } from "vitest";
import { EnvError, loadEnv } from "./env.ts";

describe("loadEnv", () => {
  it("applies the manual's defaults", () => {
    const env = loadEnv({});
    expect(env).toMatchObject({
      ADMIN_TOKEN: "change-me",
      APP_PORT: 23000,
      AUTO_MIGRATE: true,
      ENABLE_RATE_LIMIT: true,
      SESSION_TTL: 300,
      ENABLE_SECURE_COOKIES: true,
      MAX_RETRY_ATTEMPTS_DEFAULT: 2,
      MAX_REQUEST_BODY_BYTES: 32 * 1024 * 1024,
      databaseUrl: undefined,
      adminTokenIsDefault: true,
    });
    expect(env.REDIS_URL).toBeUndefined();
  });

  it("accepts DATABASE_URL as an alias of DSN, DSN winning", () => {
    expect(loadEnv({ DATABASE_URL: "postgresql://a@h/db" }).databaseUrl).toBe("postgresql://a@h/db");
    expect(loadEnv({ DSN: "postgres://b@h/db", DATABASE_URL: "postgresql://a@h/db" }).databaseUrl).toBe("postgres://b@h/db");
  });

  it("names every variable with a bad value", () => {
    try {
      loadEnv({ APP_PORT: "http", AUTO_MIGRATE: "maybe", REDIS_URL: "mysql://x", MAX_RETRY_ATTEMPTS_DEFAULT: "0" });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(EnvError);
      const message = (error as Error).message;
      for (const name of ["APP_PORT", "AUTO_MIGRATE", "REDIS_URL", "MAX_RETRY_ATTEMPTS_DEFAULT"]) expect(message).toContain(name);
    }
  });

  it("refuses the default admin token and a missing encryption key in production", () => {
    expect(() => loadEnv({ NODE_ENV: "production", ENCRYPTION_KEY: "k" })).toThrow(/ADMIN_TOKEN/);
    expect(() => loadEnv({ NODE_ENV: "production", ADMIN_TOKEN: "a-long-random-token" })).toThrow(/ENCRYPTION_KEY/);
    expect(loadEnv({ NODE_ENV: "production", ADMIN_TOKEN: "a-long-random-token", ENCRYPTION_KEY: "k" }).isProduction).toBe(true);
  });

  it("reads TRUST_PROXY as a number of proxies (true = one)", () => {
    expect(loadEnv({}).TRUST_PROXY).toBe(0);
    expect(loadEnv({ TRUST_PROXY: "false" }).TRUST_PROXY).toBe(0);
    expect(loadEnv({ TRUST_PROXY: "true" }).TRUST_PROXY).toBe(1);
    expect(loadEnv({ TRUST_PROXY: "2" }).TRUST_PROXY).toBe(2);
    expect(() => loadEnv({ TRUST_PROXY: "maybe" })).toThrow(/TRUST_PROXY/);
  });
});
