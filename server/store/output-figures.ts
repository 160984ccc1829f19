/**
 * Running figures of output tokens per model (and per key × model), the basis of the expected
 * cost that admission reserves (docs/decisions/0009-quota-admission.md). Both stores keep them
 * in time buckets so a figure reflects the last hour, not the lifetime of a deployment: a model
 * whose answers grow longer (a new Claude Code release, a longer max_tokens) moves the figure
 * within the hour.
 *
 * Instances add their samples in batches (every few seconds, not per request), so keeping the
 * figures costs no store command on a request's path.
 */

/** One figure's new samples: output tokens summed, and how many requests they came from. */
export interface OutputSample {
  /** "m:<model>" or "k:<keyId>:m:<model>". */
  name: string;
  tokens: number;
  count: number;
}

export interface OutputFigure {
  tokens: number;
  count: number;
}

/** Bucket length; a figure spans the current bucket and the FIGURE_BUCKETS - 1 before it. */
export const FIGURE_BUCKET_MS = 10 * 60_000;
export const FIGURE_BUCKETS = 7;

export function figureBucket(now: number): number {
  return Math.floor(now / FIGURE_BUCKET_MS);
}

/** The buckets that make up the figures at `now`, newest first. */
export function figureBuckets(now: number): number[] {
  const current = figureBucket(now);
  return Array.from({ length: FIGURE_BUCKETS }, (_, i) => current - i);
}

/** Adds one bucket's hash (name|t → tokens, name|n → count) into a figures map. */
export function mergeFigureHash(into: Map<string, OutputFigure>, hash: Record<string, string>): void {
  for (const [field, value] of Object.entries(hash)) {
    const bar = field.lastIndexOf("|");
    if (bar < 0) continue;
    const name = field.slice(0, bar);
    const figure = into.get(name) ?? { tokens: 0, count: 0 };
    if (field.endsWith("|t")) figure.tokens += Number(value);
    else if (field.endsWith("|n")) figure.count += Number(value);
    into.set(name, figure);
  }
}
