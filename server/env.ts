/**
 * The only reader of process.env. Every setting the hub takes from the environment is declared
 * here once, with its default, and validated with zod at start; a bad value stops the start
 * with a message that names the variable. `.env.example` documents each one.
 */
import { z } from "zod";

const bool = (fallback: boolean) =>
  z
    .enum(["true", "false", "1", "0", "yes", "no", "on", "off", ""])
    .optional()
    .transform((v) => (v === undefined || v === "" ? fallback : ["true", "1", "yes", "on"].includes(v)));

const int = (fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === "") return fallback;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: "custom", message: `must be an integer between ${min} and ${max}` });
        return z.NEVER;
      }
      return n;
    });

/** TRUST_PROXY: how many reverse proxies stand in front of the hub; true = 1, false = 0. */
const proxyHops = z
  .string()
  .optional()
  .transform((v, ctx) => {
    const value = (v ?? "").trim().toLowerCase();
    if (["", "false", "no", "off"].includes(value)) return 0;
    if (["true", "yes", "on"].includes(value)) return 1;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0 || n > 10) {
      ctx.addIssue({ code: "custom", message: "must be true, false or a number of proxies (0-10)" });
      return z.NEVER;
    }
    return n;
  });

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

export const DEFAULT_ADMIN_TOKEN = "change-me";

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  ADMIN_TOKEN: z.string().min(1).default(DEFAULT_ADMIN_TOKEN),
  DSN: optionalString.pipe(z.url({ protocol: /^postgres(ql)?$/ }).optional()),
  DATABASE_URL: optionalString.pipe(z.url({ protocol: /^postgres(ql)?$/ }).optional()),
  REDIS_URL: optionalString.pipe(z.url({ protocol: /^rediss?$/ }).optional()),
  REDIS_COMMAND_TIMEOUT_MS: int(2000, 50),
  REDIS_KEY_PREFIX: z.string().min(1).default("cch:"),
  APP_PORT: int(23000, 0, 65535),
  APP_HOST: z.string().default("127.0.0.1"),
  APP_URL: optionalString,
  AUTO_MIGRATE: bool(true),
  ENABLE_RATE_LIMIT: bool(true),
  SESSION_TTL: int(300, 1),
  ENABLE_SECURE_COOKIES: bool(true),
  MAX_RETRY_ATTEMPTS_DEFAULT: int(2, 1, 10),
  ENCRYPTION_KEY: optionalString,
  DATA_DIR: z.string().default("./data"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  MAX_REQUEST_BODY_BYTES: int(32 * 1024 * 1024, 1024),
  AUTH_SESSION_TTL_SECONDS: int(7 * 24 * 3600, 60),
  LOGIN_MAX_FAILURES: int(10, 1),
  LOGIN_LOCKOUT_SECONDS: int(900, 1),
  SHUTDOWN_GRACE_MS: int(30_000, 0),
  CACHE_TTL_SECONDS: int(30, 1),
  LOG_WRITER_FLUSH_MS: int(250, 10),
  LOG_WRITER_BATCH_SIZE: int(200, 1),
  LOG_WRITER_MAX_PENDING: int(10_000, 10),
  FETCH_CONNECT_TIMEOUT_MS: int(30_000, 100),
  UPSTREAM_CA_FILE: optionalString,
  FETCH_HEADERS_TIMEOUT_MS: int(600_000, 100),
  FETCH_BODY_TIMEOUT_MS: int(600_000, 100),
  TRUST_PROXY: proxyHops,
  HTTP_REQUEST_TIMEOUT_MS: int(300_000, 0),
  HTTP_HEADERS_TIMEOUT_MS: int(66_000, 1_000),
  ALLOWED_HOSTS: z
    .string()
    .optional()
    .transform((v) => (v ?? "").split(",").map((h) => h.trim().toLowerCase()).filter(Boolean)),
  MAX_BUFFERED_BODY_BYTES: int(512 * 1024 * 1024, 1024),
  /** Bearer token of GET /metrics; unset = the endpoint is off (404). */
  METRICS_TOKEN: optionalString.pipe(z.string().min(16, "use at least 16 characters").optional()),
});

export type Env = ReturnType<typeof toEnv>;

function toEnv(parsed: z.infer<typeof schema>) {
  const { DSN, DATABASE_URL, ...rest } = parsed;
  return {
    ...rest,
    /** DSN, or its alias DATABASE_URL; undefined means the embedded PostgreSQL (PGlite). */
    databaseUrl: DSN ?? DATABASE_URL,
    isProduction: parsed.NODE_ENV === "production",
    adminTokenIsDefault: parsed.ADMIN_TOKEN === DEFAULT_ADMIN_TOKEN,
  };
}

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "EnvError";
  }
}

/** Parses an environment (process.env by default). Throws EnvError naming each bad variable. */
export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  const result = schema.safeParse(source);
  if (!result.success) {
    throw new EnvError(
      result.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`),
    );
  }
  const env = toEnv(result.data);
  if (env.isProduction && env.adminTokenIsDefault) {
    throw new EnvError([
      `ADMIN_TOKEN: the default token "${DEFAULT_ADMIN_TOKEN}" is refused in production; set a long random value`,
    ]);
  }
  if (env.isProduction && !env.ENCRYPTION_KEY) {
    throw new EnvError([
      "ENCRYPTION_KEY: required in production (32 random bytes, base64 or hex) so every instance can decrypt upstream keys",
    ]);
  }
  return env;
}
