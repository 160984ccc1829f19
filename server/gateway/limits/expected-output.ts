/**
 * How many output tokens requests of a model — and of one key on that model — produced
 * recently: the output side of the expected cost reserved at admission (estimate.ts).
 *
 * Settlement observes each completed, billed request here. Every SYNC_MS the new samples go to
 * the store in one batch and the figures of every instance come back (store/output-figures.ts),
 * so the request path never waits for the store for this.
 */
import type { Logger } from "../../logger.ts";
import type { OutputFigure } from "../../store/output-figures.ts";
import type { Store } from "../../store/store.ts";

/** How often samples are pushed and figures refreshed. */
const SYNC_MS = 5_000;
/** A key's own figure is used once it rests on this many requests; before, the model's. */
const KEY_MIN_SAMPLES = 5;

const modelFigure = (model: string) => `m:${model}`;
const keyFigure = (keyId: number, model: string) => `k:${keyId}:m:${model}`;

export class ExpectedOutput {
  private pending = new Map<string, OutputFigure>();
  private figures = new Map<string, OutputFigure>();
  private timer: NodeJS.Timeout | undefined;
  private syncing: Promise<void> | undefined;
  private lastErrorLog = 0;

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
    private readonly now: () => number,
  ) {}

  /** A completed request's output. Only priced models are observed (a bounded set of names). */
  observe(keyId: number, model: string, outputTokens: number): void {
    add(this.pending, modelFigure(model), outputTokens, 1);
    add(this.pending, keyFigure(keyId, model), outputTokens, 1);
  }

  /** Expected output tokens of the key's next request on the model, or undefined when unknown. */
  tokens(keyId: number, model: string): number | undefined {
    const own = this.figure(keyFigure(keyId, model));
    if (own.count >= KEY_MIN_SAMPLES) return own.tokens / own.count;
    const all = this.figure(modelFigure(model));
    return all.count > 0 ? all.tokens / all.count : undefined;
  }

  start(): void {
    this.timer = setInterval(() => void this.sync(), SYNC_MS);
    this.timer.unref();
    void this.sync();
  }

  /** Pushes the pending samples and reads every instance's figures back. Never throws. */
  sync(): Promise<void> {
    this.syncing ??= this.doSync().finally(() => (this.syncing = undefined));
    return this.syncing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.sync();
  }

  private figure(name: string): OutputFigure {
    const synced = this.figures.get(name);
    const pending = this.pending.get(name);
    return { tokens: (synced?.tokens ?? 0) + (pending?.tokens ?? 0), count: (synced?.count ?? 0) + (pending?.count ?? 0) };
  }

  private async doSync(): Promise<void> {
    const batch = this.pending;
    this.pending = new Map();
    try {
      if (batch.size) await this.store.addOutputSamples([...batch].map(([name, f]) => ({ name, tokens: f.tokens, count: f.count })), this.now());
    } catch (error) {
      // Kept for the next try: the figures are an estimate's basis, not money.
      for (const [name, f] of batch) add(this.pending, name, f.tokens, f.count);
      this.logError(error as Error);
      return;
    }
    try {
      this.figures = await this.store.outputFigures(this.now());
    } catch (error) {
      // The pushed samples are in the store but not yet in `figures`: count them locally until
      // the next successful read so the figure does not lose them meanwhile.
      for (const [name, f] of batch) add(this.figures, name, f.tokens, f.count);
      this.logError(error as Error);
    }
  }

  private logError(error: Error) {
    const now = Date.now();
    if (now - this.lastErrorLog < 60_000) return;
    this.lastErrorLog = now;
    this.logger.warn({ err: error.message }, "output-token figures could not be synced with the store; estimates use the local figures");
  }
}

function add(map: Map<string, OutputFigure>, name: string, tokens: number, count: number) {
  const f = map.get(name);
  if (f) {
    f.tokens += tokens;
    f.count += count;
  } else map.set(name, { tokens, count });
}
