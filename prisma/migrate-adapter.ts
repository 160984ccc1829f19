/**
 * The driver adapter the Prisma CLI uses to author and inspect migrations (`npm run db:migrate`).
 * The hub itself never uses it: it applies committed migrations with server/db/migrate.ts.
 *
 * Three workarounds for @prisma/adapter-pg 6.19.3 under `engine: "js"` (see docs/stack notes):
 * - the Wasm schema engine's catalog queries return `name` (oid 19) and `"char"` (oid 18)
 *   columns that the adapter cannot deserialize (prisma/orm#27403): report them as text;
 * - the shadow database must be reached with discrete connection fields, because a
 *   connectionString would silently win over the shadow `database`;
 * - the adapter splits scripts on ";", which breaks PL/pgSQL bodies: run a script as one
 *   simple-protocol query instead.
 */
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";

const TEXT_OID = 25;
const CATALOG_OIDS = new Set([18, 19]);

type QueryResultLike = { fields?: Array<{ dataTypeID: number }> } | undefined;

function asText(result: QueryResultLike) {
  for (const field of result?.fields ?? []) {
    if (CATALOG_OIDS.has(field.dataTypeID)) field.dataTypeID = TEXT_OID;
  }
  return result;
}

class CatalogSafeClient extends pg.Client {
  // pg's query() has many overloads; wrap both the callback and the promise form.
  override query(...args: unknown[]): never {
    const last = args[args.length - 1];
    if (typeof last === "function") {
      const callback = last as (err: unknown, res: QueryResultLike) => void;
      args[args.length - 1] = (err: unknown, res: QueryResultLike) => callback(err, asText(res));
      return (super.query as (...a: unknown[]) => never)(...args);
    }
    const pending = (super.query as (...a: unknown[]) => unknown)(...args);
    if (pending && typeof (pending as Promise<unknown>).then === "function") {
      return (pending as Promise<QueryResultLike>).then(asText) as never;
    }
    return pending as never;
  }
}

function discreteConfig(url: string, database?: string): pg.PoolConfig {
  const u = new URL(url);
  return {
    host: decodeURIComponent(u.hostname),
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username || "postgres"),
    password: decodeURIComponent(u.password),
    database: database ?? decodeURIComponent(u.pathname.replace(/^\//, "") || "postgres"),
    Client: CatalogSafeClient as unknown as typeof pg.Client,
    max: 4,
  };
}

type Adapter = Awaited<ReturnType<PrismaPg["connect"]>>;

function runScriptsWhole(adapter: Adapter, pool: pg.Pool): Adapter {
  adapter.executeScript = async (script: string) => {
    await pool.query(script);
  };
  return adapter;
}

class MigrateAdapterFactory extends PrismaPg {
  constructor(private readonly url: string) {
    super(new pg.Pool(discreteConfig(url)));
  }

  override async connect() {
    const adapter = await super.connect();
    return runScriptsWhole(adapter, adapter.underlyingDriver() as pg.Pool);
  }

  override async connectToShadowDb() {
    const admin = new pg.Pool(discreteConfig(this.url));
    const database = `prisma_shadow_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
    await admin.query(`CREATE DATABASE "${database}"`);
    const shadowPool = new pg.Pool(discreteConfig(this.url, database));
    const shadow = await new PrismaPg(shadowPool).connect();
    const dispose = shadow.dispose.bind(shadow);
    shadow.dispose = async () => {
      await dispose();
      await shadowPool.end().catch(() => undefined);
      await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await admin.end();
    };
    return runScriptsWhole(shadow, shadowPool);
  }
}

export function migrateAdapter(url: string) {
  return new MigrateAdapterFactory(url);
}
