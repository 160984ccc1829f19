/**
 * In-process caches of what every proxied request reads: API keys (with their users),
 * providers, prices, provider-group multipliers and system settings. The gateway never queries
 * the database in steady state; it reads these.
 *
 * Freshness: any change made through the admin API publishes an invalidation on the store's
 * "catalog" channel, which every instance (this one included) applies at once. A short TTL is
 * the safety net for changes made behind the hub's back (e.g. SQL by hand): snapshots reload
 * in the background, and a key entry older than the TTL is served once more while it reloads.
 */
import type { SecretBox } from "../auth/secrets.ts";
import type { Db } from "../db/database.ts";
import type { Logger } from "../logger.ts";
import type { Store } from "../store/store.ts";
import { priceLookupNames, type PriceData } from "../domain/prices.ts";
import type { ErrorRule } from "../domain/error-rules.ts";
import { MAX_SENSITIVE_WORDS, SensitiveWordMatcher, type SensitiveMatchType } from "../policy/sensitive-words/matcher.ts";
import { byRunOrder, compileFilter, type CompiledFilter } from "../domain/request-filters/rules.ts";
import { toFilterDefinition } from "../domain/request-filters/rows.ts";
import { toCachedKey, toCachedProvider, toCachedSettings } from "./mappers.ts";
import { sealPlaintextProviderSecrets } from "./provider-secrets.ts";
import type { CachedKey, CachedPrice, CachedProvider, CachedSettings } from "./types.ts";

export const CATALOG_CHANNEL = "catalog";

export type Invalidation =
  | { kind: "key"; id?: number }
  | { kind: "user"; id?: number }
  | { kind: "providers" }
  | { kind: "prices" }
  | { kind: "settings" }
  | { kind: "groups" }
  | { kind: "rules" }
  | { kind: "sensitive_words" }
  | { kind: "filters" };

/** The snapshots the catalog keeps, each reloaded on its own. */
type Section = Exclude<Invalidation["kind"], "key" | "user">;

interface KeyEntry {
  key: CachedKey | null;
  loadedAt: number;
  refreshing?: boolean;
}

/** Unknown keys are remembered briefly, so a client with a bad key cannot hammer the database. */
const NEGATIVE_TTL_MS = 10_000;
const MAX_KEY_ENTRIES = 50_000;

export class Catalog {
  private keys = new Map<string, KeyEntry>();
  private providerList: CachedProvider[] = [];
  private priceMap = new Map<string, CachedPrice>();
  private priceResolutions = new Map<string, { priceData: PriceData; pricedAs: string } | undefined>();
  private groupMultipliers = new Map<string, number>();
  private rules: ErrorRule[] = [];
  /** Enabled sensitive words, compiled once per change (the automaton and the RE2 programs). */
  private sensitiveWordMatcher = new SensitiveWordMatcher([]);
  private filters: CompiledFilter[] = [];
  private currentSettings!: CachedSettings;
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private stopped = false;
  private readonly running = new Set<Promise<void>>();
  private generation = 0;
  /** Per snapshot: how many reads have started, and the number of the latest one kept. */
  private readonly reads = new Map<Section, { started: number; kept: number }>();

  constructor(
    private readonly db: Db,
    private readonly store: Store,
    private readonly secrets: SecretBox,
    private readonly logger: Logger,
    private readonly ttlMs: number,
  ) {}

  /** Loads every snapshot and starts listening for invalidations. */
  async start(): Promise<void> {
    // Rows from before proxy URLs and custom headers were encrypted; only here is the key known.
    await sealPlaintextProviderSecrets(this.db, this.secrets, this.logger).catch((error: Error) =>
      this.logger.error({ err: error.message }, "encrypting plaintext provider secrets failed; they stay readable in the database"),
    );
    await Promise.all([this.loadProviders(), this.loadPrices(), this.loadSettings(), this.loadGroups(), this.loadRules(), this.loadSensitiveWords(), this.loadFilters()]);
    this.unsubscribe = await this.store.subscribe(CATALOG_CHANNEL, (message) => void this.background(this.apply(message)));
    this.timer = setInterval(() => void this.background(this.refreshAll()), this.ttlMs);
    this.timer.unref();
  }

  /**
   * Stops reloading, and waits for the reloads already running: the database must not be closed
   * under a query (a transaction started during its shutdown is never released, and the pool's
   * close would wait for it forever).
   */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.unsubscribe?.();
    await Promise.allSettled([...this.running]);
  }

  /** Runs a reload that nobody awaits, so that stop() can wait for it. */
  private background(work: Promise<void>): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.running.add(work);
    return work.finally(() => this.running.delete(work));
  }

  /** Tells every instance that something changed; resolves once this instance has reloaded. */
  async invalidate(change: Invalidation): Promise<void> {
    await this.background(this.apply(JSON.stringify(change)));
    await this.store.publish(CATALOG_CHANNEL, JSON.stringify(change)).catch((error: Error) => {
      // Other instances catch up within the TTL.
      this.logger.warn({ err: error.message }, "catalog invalidation could not be published");
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Reads (hot path)
  // ---------------------------------------------------------------------------------------------

  /** The key with this SHA-256 hash (and its user), or null if there is none. */
  async findKeyByHash(hash: string, now = Date.now()): Promise<CachedKey | null> {
    const entry = this.keys.get(hash);
    if (entry) {
      const age = now - entry.loadedAt;
      if (entry.key === null) {
        if (age < NEGATIVE_TTL_MS) return null;
      } else if (age < this.ttlMs) {
        return entry.key;
      } else {
        if (!entry.refreshing) {
          entry.refreshing = true;
          void this.loadKey(hash).catch(() => (entry.refreshing = false));
        }
        return entry.key;
      }
    }
    return this.loadKey(hash);
  }

  providers(): readonly CachedProvider[] {
    return this.providerList;
  }

  provider(id: number): CachedProvider | undefined {
    return this.providerList.find((p) => p.id === id);
  }

  settings(): CachedSettings {
    return this.currentSettings;
  }

  /** The price of a model and the name it was found under, trying common aliases. */
  price(model: string): { priceData: PriceData; pricedAs: string } | undefined {
    // Resolved names are remembered until the price table changes (a request looks its model up twice).
    if (this.priceResolutions.has(model)) return this.priceResolutions.get(model);
    let found: { priceData: PriceData; pricedAs: string } | undefined;
    for (const name of priceLookupNames(model)) {
      const hit = this.priceMap.get(name);
      if (hit) {
        found = { priceData: hit.priceData, pricedAs: hit.modelName };
        break;
      }
    }
    if (this.priceResolutions.size > 10_000) this.priceResolutions.clear();
    this.priceResolutions.set(model, found);
    return found;
  }

  /** Every priced model name with its vendor (litellm_provider), for model listings. */
  pricedModels(): Array<{ modelName: string; vendor: string | undefined }> {
    return [...this.priceMap.values()].map((p) => ({ modelName: p.modelName, vendor: p.priceData.litellm_provider }));
  }

  /** Enabled error rules, in matching order. */
  errorRules(): readonly ErrorRule[] {
    return this.rules;
  }

  /** The matcher of the enabled sensitive words (empty when there are none). */
  sensitiveWords(): SensitiveWordMatcher {
    return this.sensitiveWordMatcher;
  }

  /** Enabled request filters, compiled, in run order (empty when none: the gateway then does nothing). */
  requestFilters(): readonly CompiledFilter[] {
    return this.filters;
  }

  /** The cost multiplier of a provider group (1 when the group has none). */
  groupMultiplier(group: string): number {
    return this.groupMultipliers.get(group) ?? 1;
  }

  // ---------------------------------------------------------------------------------------------
  // Loading
  // ---------------------------------------------------------------------------------------------

  /** Numbers a read of a snapshot as it starts (the order in which reads saw the database). */
  private startRead(section: Section): number {
    let reads = this.reads.get(section);
    if (!reads) this.reads.set(section, (reads = { started: 0, kept: 0 }));
    return ++reads.started;
  }

  /**
   * Whether a read's result may replace the snapshot: not when a read that started later (and so
   * saw the database later) has replaced it already. Without this, a periodic refresh or another
   * instance's invalidation that began just before an admin's change, and ended after the reload
   * that change triggered, put the old value back until the next refresh.
   */
  private mayKeep(section: Section, ticket: number): boolean {
    const reads = this.reads.get(section)!;
    if (ticket < reads.kept) return false;
    reads.kept = ticket;
    return true;
  }

  private async loadKey(hash: string): Promise<CachedKey | null> {
    const generation = this.generation;
    const row = await this.db.apiKey.findUnique({ where: { keyHash: hash }, include: { user: true } });
    const key = row ? toCachedKey(row) : null;
    // An invalidation that arrived while the query ran makes its result stale: do not cache it.
    if (generation === this.generation) {
      if (this.keys.size >= MAX_KEY_ENTRIES) this.keys.delete(this.keys.keys().next().value as string);
      this.keys.set(hash, { key, loadedAt: Date.now() });
    }
    return key;
  }

  private async loadProviders() {
    const ticket = this.startRead("providers");
    const rows = await this.db.provider.findMany({ where: { deletedAt: null }, orderBy: { id: "asc" } });
    const list: CachedProvider[] = [];
    for (const row of rows) {
      try {
        list.push(toCachedProvider(row, this.secrets));
      } catch (error) {
        // A secret that cannot be decrypted (wrong ENCRYPTION_KEY) disables that provider only.
        this.logger.error({ providerId: row.id, err: (error as Error).message }, "provider secret cannot be decrypted; provider skipped");
      }
    }
    if (!this.mayKeep("providers", ticket)) return;
    this.providerList = list;
  }

  private async loadPrices() {
    const ticket = this.startRead("prices");
    const rows = await this.db.modelPrice.findMany();
    const map = new Map<string, CachedPrice>();
    for (const row of rows) {
      map.set(row.modelName, { modelName: row.modelName, priceData: row.priceData as PriceData, source: row.source });
    }
    if (!this.mayKeep("prices", ticket)) return;
    this.priceMap = map;
    this.priceResolutions = new Map();
  }

  private async loadSettings() {
    const ticket = this.startRead("settings");
    // A plain read: an upsert costs an interactive transaction on every reload. The row is
    // created by the seed at start; the upsert only covers a database emptied by hand.
    const row =
      (await this.db.systemSettings.findUnique({ where: { id: 1 } })) ??
      (await this.db.systemSettings.upsert({ where: { id: 1 }, create: { id: 1 }, update: {} }));
    if (!this.mayKeep("settings", ticket)) return;
    this.currentSettings = toCachedSettings(row);
  }

  private async loadGroups() {
    const ticket = this.startRead("groups");
    const rows = await this.db.providerGroup.findMany();
    if (!this.mayKeep("groups", ticket)) return;
    this.groupMultipliers = new Map(rows.map((g) => [g.name, Number(g.costMultiplier)]));
  }

  private async loadRules() {
    const ticket = this.startRead("rules");
    const rows = await this.db.errorRule.findMany({ where: { isEnabled: true }, orderBy: [{ priority: "desc" }, { id: "asc" }] });
    if (!this.mayKeep("rules", ticket)) return;
    this.rules = rows.map((r) => ({
      id: r.id,
      pattern: r.pattern,
      matchType: r.matchType as ErrorRule["matchType"],
      category: r.category,
      retryable: r.retryable,
      countsTowardBreaker: r.countsTowardBreaker,
      overrideMessage: r.overrideMessage,
      overrideStatusCode: r.overrideStatusCode,
      priority: r.priority,
    }));
  }

  private async loadSensitiveWords() {
    const ticket = this.startRead("sensitive_words");
    const rows = await this.db.sensitiveWord.findMany({ where: { isEnabled: true }, orderBy: { id: "asc" }, take: MAX_SENSITIVE_WORDS });
    if (!this.mayKeep("sensitive_words", ticket)) return;
    this.sensitiveWordMatcher = new SensitiveWordMatcher(
      rows.map((r) => ({ id: r.id, word: r.word, matchType: r.matchType as SensitiveMatchType })),
    );
  }

  private async loadFilters() {
    const ticket = this.startRead("filters");
    const rows = await this.db.requestFilter.findMany({ where: { isEnabled: true } });
    const list: CompiledFilter[] = [];
    for (const row of rows) {
      try {
        list.push(compileFilter(toFilterDefinition(row)));
      } catch (error) {
        // Only a row written behind the admin API's back can fail here; the others still run.
        this.logger.error({ filterId: row.id, err: (error as Error).message }, "request filter cannot be compiled; filter skipped");
      }
    }
    if (!this.mayKeep("filters", ticket)) return;
    this.filters = list.sort(byRunOrder);
  }

  private async refreshAll() {
    try {
      await Promise.all([this.loadProviders(), this.loadPrices(), this.loadSettings(), this.loadGroups(), this.loadRules(), this.loadSensitiveWords(), this.loadFilters()]);
    } catch (error) {
      // Keep serving the last good snapshot while the database is away.
      this.logger.warn({ err: (error as Error).message }, "catalog refresh failed; serving the last snapshot");
    }
  }

  private async apply(message: string): Promise<void> {
    let change: Invalidation;
    try {
      change = JSON.parse(message) as Invalidation;
    } catch {
      return;
    }
    this.generation++;
    const reload = (what: Promise<void>) =>
      what.catch((error: Error) => this.logger.warn({ err: error.message, change }, "catalog reload failed"));
    switch (change.kind) {
      case "key":
      case "user":
        // Dropping every key entry is cheap (they reload on first use) and cannot miss one.
        this.keys.clear();
        return;
      case "providers":
        return reload(this.loadProviders());
      case "prices":
        return reload(this.loadPrices());
      case "settings":
        return reload(this.loadSettings());
      case "groups":
        return reload(this.loadGroups());
      case "rules":
        return reload(this.loadRules());
      case "sensitive_words":
        return reload(this.loadSensitiveWords());
      case "filters":
        return reload(this.loadFilters());
    }
  }
}
