/**
 * Assembles a running hub from a validated environment: database (migrated), store, caches,
 * log writer, gateway, admin API and dashboard, behind one HTTP server. The process entry
 * (index.ts) and the integration tests both start hubs through startHub().
 */
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { loadSecretBox, type SecretBox } from "./auth/secrets.ts";
import { Catalog } from "./catalog/catalog.ts";
import { openDatabase, type Database } from "./db/database.ts";
import { installationId, spoolDirFor, warnUnownedSpool } from "./db/installation.ts";
import { LogWriter, type LogRecord } from "./db/log-writer.ts";
import { seedDefaults } from "./db/seed.ts";
import type { Env } from "./env.ts";
import { createApp } from "./app.ts";
import { clientIp } from "./gateway/client-ip.ts";
import type { GatewayDeps } from "./gateway/deps.ts";
import { Hydrator } from "./domain/quota/hydrate.ts";
import { BreakerWatch } from "./jobs/breaker-watch.ts";
import { hubJobs } from "./jobs/hub-jobs.ts";
import { JobScheduler } from "./jobs/scheduler.ts";
import { UnpricedModelWatch } from "./jobs/unpriced-models.ts";
import { createGateway, InFlight } from "./gateway/router.ts";
import { createResponsesWebSocket } from "./gateway/websocket/responses-ws.ts";
import { extractApiKey } from "./gateway/steps/authenticate.ts";
import { hashApiKey } from "./auth/api-keys.ts";
import { Dispatchers } from "./gateway/upstream/dispatchers.ts";
import { BodyBudget } from "./gateway/body/body-budget.ts";
import { healthRouter } from "./http/health.ts";
import { metricsRouter } from "./http/metrics.ts";
import { countStoreErrors, HubMetrics } from "./metrics/registry.ts";
import { createLogger, type Logger } from "./logger.ts";
import { Notifications, type NotificationsDeps } from "./notifications/notifications.ts";
import { ExpectedOutput } from "./gateway/limits/expected-output.ts";
import { MemoryStore } from "./store/memory-store.ts";
import { RedisStore } from "./store/redis-store.ts";
import type { Store } from "./store/store.ts";
import { createAdminApi } from "./http/admin-api.ts";
import { loadDashboard } from "./http/dashboard.ts";
import { createHttpServer } from "./http/http-server.ts";
import { webDoorGuards } from "./http/web-guards.ts";

export interface HubOptions {
  logger?: Logger;
  /** Prefix of every store key (tests isolate themselves with it). */
  storeKeyPrefix?: string;
  /** Serve the Remix dashboard (needs a production build in build/). Default true. */
  dashboard?: boolean;
  now?: () => number;
  /** Notification delivery knobs (tests: an instant `sleep`, a short timeout). */
  notifications?: Pick<NotificationsDeps, "sleep" | "timeoutMs">;
}

export interface Hub {
  url: string;
  port: number;
  env: Env;
  db: Database;
  store: Store;
  catalog: Catalog;
  secrets: SecretBox;
  logWriter: LogWriter;
  /** Recent output tokens per model and key (the basis of expected-cost reservations). */
  expectedOutput: ExpectedOutput;
  logger: Logger;
  inFlight: InFlight;
  /** Request-body bytes held by requests in flight (MAX_BUFFERED_BODY_BYTES). */
  bodyBudget: BodyBudget;
  metrics: HubMetrics;
  notifications: Notifications;
  /** Graceful stop: refuse new work, let in-flight requests finish within the grace period, flush logs. */
  close(): Promise<void>;
}

export async function startHub(env: Env, options: HubOptions = {}): Promise<Hub> {
  const logger = options.logger ?? createLogger(env.LOG_LEVEL);
  const now = options.now ?? Date.now;

  if (env.adminTokenIsDefault) {
    logger.warn(
      "ADMIN_TOKEN is the default \"change-me\": anyone who can reach this hub can administer it. Set ADMIN_TOKEN before exposing it.",
    );
  }

  const { box: secrets, generated, file } = loadSecretBox(env.ENCRYPTION_KEY, env.DATA_DIR);
  if (generated) logger.warn({ file }, "ENCRYPTION_KEY not set: generated one and stored it in the data directory (single instance only)");
  else if (file) logger.info({ file }, "ENCRYPTION_KEY not set: using the key stored in the data directory");

  const db = await openDatabase({ databaseUrl: env.databaseUrl, dataDir: env.DATA_DIR, logger });
  logger.info(
    { database: db.kind },
    db.kind === "embedded"
      ? `database: embedded PostgreSQL (PGlite) in ${path.resolve(env.DATA_DIR, "pglite")} — set DSN for a real PostgreSQL`
      : "database: PostgreSQL (DSN)",
  );
  if (env.AUTO_MIGRATE) {
    const applied = await db.migrate();
    logger.info({ applied }, applied.length ? "database migrated" : "database schema is up to date");
  }
  const seeded = await seedDefaults(db.prisma);
  if (seeded.prices || seeded.errorRules) logger.info(seeded, "built-in model prices and error rules loaded");

  const rawStore: Store = env.REDIS_URL
    ? new RedisStore({ url: env.REDIS_URL, keyPrefix: options.storeKeyPrefix ?? env.REDIS_KEY_PREFIX, logger, commandTimeoutMs: env.REDIS_COMMAND_TIMEOUT_MS })
    : new MemoryStore();
  if (rawStore instanceof RedisStore && !(await rawStore.ready(3000))) {
    logger.error("Redis is not reachable: starting degraded (see /api/health/ready); the hub reconnects by itself");
  }
  const metrics = new HubMetrics();
  const store = countStoreErrors(rawStore, metrics);
  logger.info(
    { store: store.kind },
    store.kind === "redis" ? "store: Redis (REDIS_URL)" : "store: in-process (no REDIS_URL): single instance only, state is lost on restart",
  );

  const catalog = new Catalog(db.prisma, store, secrets, logger, env.CACHE_TTL_SECONDS * 1000);
  await catalog.start();

  const logWriter = new LogWriter(db.sql, logger, {
    flushMs: env.LOG_WRITER_FLUSH_MS,
    batchSize: env.LOG_WRITER_BATCH_SIZE,
    maxPending: env.LOG_WRITER_MAX_PENDING,
    // The spool of this database only: never replayed into another (decision 0011).
    spoolDir: spoolDirFor(env.DATA_DIR, await installationId(db.sql)),
  });
  warnUnownedSpool(env.DATA_DIR, logger);
  await logWriter.start();

  const dispatchers = new Dispatchers({
    connectTimeoutMs: env.FETCH_CONNECT_TIMEOUT_MS,
    headersTimeoutMs: env.FETCH_HEADERS_TIMEOUT_MS,
    bodyTimeoutMs: env.FETCH_BODY_TIMEOUT_MS,
    http2: () => catalog.settings().enableHttp2,
    extraCa: env.UPSTREAM_CA_FILE ? readCaFile(env.UPSTREAM_CA_FILE) : undefined,
  });

  const hydrator = new Hydrator(db.sql, store);
  const notifications = new Notifications({ db: db.prisma, secrets, store, catalog, logger, now, pingDatabase: () => db.ping(), spoolDir: logWriter.spoolDir, ...options.notifications });
  await notifications.start();
  const jobs = new JobScheduler({ db: db.prisma, store, logger, now, onFinished: (run) => notifications.jobFinished(run) }, hubJobs({ db: db.prisma, sql: db.sql, catalog, logger }));
  jobs.start();
  const breakerWatch = new BreakerWatch({ db: db.prisma, store, logger, now, providerIds: () => catalog.providers().map((p) => p.id) });
  breakerWatch.start();
  const unpriced = new UnpricedModelWatch({
    logger,
    store,
    now,
    syncAllowed: () => catalog.settings().priceSyncScheduled,
    sync: () => jobs.runNow("price-sync"),
    onReport: (model, at) => notifications.unpricedModel(model, at),
  });
  const expectedOutput = new ExpectedOutput(store, logger, now);
  expectedOutput.start();
  const bodyBudget = new BodyBudget(env.MAX_BUFFERED_BODY_BYTES);
  const inFlight = new InFlight();
  metrics.watch({ catalog, store, logWriter, inFlight, now });
  const onSettled = (record: LogRecord) => {
    metrics.recordSettled(record);
    unpriced.observe(record);
    notifications.observe(record);
  };
  const gatewayDeps: GatewayDeps = { env, logger, catalog, store, logWriter, dispatchers, hydrator, expectedOutput, now, bodyBudget, onSettled };
  const gateway = createGateway(gatewayDeps, inFlight);

  let shuttingDown = false;
  const health = healthRouter(
    [
      { name: "database", check: () => db.ping() },
      { name: "store", check: () => store.ping() },
    ],
    () => shuttingDown,
    () => {
      const { pending, spooled, deadLettered } = logWriter.stats();
      return { logWriter: { pending, spooled, deadLettered } };
    },
  );
  const adminApi = createAdminApi({ env, db: db.prisma, store, catalog, secrets, logger, logWriter, now, notifications });
  const dashboard = options.dashboard === false ? undefined : await loadDashboard(env, adminApi, logger);

  const app = createApp({ gateway: gateway.handle, health, metrics: metricsRouter(metrics, env.METRICS_TOKEN, logger), adminApi: adminApi.router, dashboard, webGuards: webDoorGuards(env) });
  const server = createHttpServer(app, { requestTimeoutMs: env.HTTP_REQUEST_TIMEOUT_MS, headersTimeoutMs: env.HTTP_HEADERS_TIMEOUT_MS });
  // Codex CLI's WebSocket transport for /v1/responses; each turn re-enters the HTTP pipeline.
  let selfUrl = "";
  const responsesWs = createResponsesWebSocket({
    selfUrl: () => selfUrl,
    clientIp: (req) => clientIp(req, env.TRUST_PROXY),
    logger,
    maxFrameBytes: env.MAX_REQUEST_BODY_BYTES,
    authenticate: async (req) => {
      try {
        const presented = extractApiKey(req.headers, "");
        const key = presented ? await catalog.findKeyByHash(hashApiKey(presented)) : null;
        const t = now();
        const usable = key && key.isEnabled && key.user.isEnabled && (key.expiresAt ?? Infinity) > t && (key.user.expiresAt ?? Infinity) > t;
        return usable ? null : { status: 401, message: presented ? "Invalid, disabled or expired API key." : "Missing API key." };
      } catch (error) {
        return { status: (error as { status?: number }).status ?? 401, message: (error as Error).message };
      }
    },
  });
  server.on("upgrade", (req, socket, head) => {
    if (shuttingDown || !responsesWs.handleUpgrade(req, socket, head)) {
      socket.end("HTTP/1.1 404 Not Found\r\nconnection: close\r\ncontent-length: 0\r\n\r\n");
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(env.APP_PORT, env.APP_HOST, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${env.APP_HOST === "0.0.0.0" || env.APP_HOST === "::" ? "127.0.0.1" : env.APP_HOST}:${port}`;
  selfUrl = url;
  logger.info({ url }, "claude code hub is listening");

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      shuttingDown = true;
      responsesWs.close();
      server.close();
      server.closeIdleConnections();
      const drained = await inFlight.idle(env.SHUTDOWN_GRACE_MS);
      if (!drained) logger.warn({ inFlight: inFlight.size }, "grace period over; closing the remaining connections");
      server.closeAllConnections();
      await jobs.stop();
      await breakerWatch.stop();
      await notifications.stop();
      metrics.close();
      await logWriter.close(5_000);
      await expectedOutput.close();
      await catalog.stop();
      await dispatchers.close();
      await store.close();
      await db.close();
      logger.info("claude code hub stopped");
    })();
    return closing;
  };

  return { url, port, env, db, store, catalog, secrets, logWriter, expectedOutput, logger, inFlight, bodyBudget, metrics, notifications, close };
}

function readCaFile(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    throw new Error(`UPSTREAM_CA_FILE: cannot read ${file} (${(error as Error).message})`, { cause: error });
  }
}
