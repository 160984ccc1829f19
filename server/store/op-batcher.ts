/**
 * Coalesces the store operations of requests (admit, failover, settle) issued during one turn
 * of the event loop into one call (decision 0024). Under load a turn handles the events of many
 * connections; their operations then share one script call, one socket write and one reply
 * instead of one each. The flush runs in the same turn (setImmediate: after the I/O callbacks
 * that issued the operations), so a lone request waits for nothing.
 *
 * Operations run in the order they were pushed; each gets its own result or error.
 */

/** One operation's outcome in a batch: its result, or why it alone failed. */
export type BatchOutcome = { ok: true; value: unknown } | { ok: false; error: Error };

interface Pending<T> {
  op: T;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

export class OpBatcher<T> {
  private queue: Array<Pending<T>> = [];
  private scheduled = false;

  /**
   * @param send runs a list of operations as one call and answers one outcome per
   *   operation, in order; a rejection fails every operation of the batch.
   * @param maxOps the most operations in one call (a bigger turn is split into several calls).
   */
  constructor(
    private readonly send: (ops: T[]) => Promise<BatchOutcome[]>,
    private readonly maxOps = 128,
  ) {}

  push(op: T): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.queue.push({ op, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(this.flush);
      }
    });
  }

  private readonly flush = () => {
    this.scheduled = false;
    const queue = this.queue;
    this.queue = [];
    for (let at = 0; at < queue.length; at += this.maxOps) this.run(queue.slice(at, at + this.maxOps));
  };

  private run(batch: Array<Pending<T>>) {
    this.send(batch.map((p) => p.op)).then(
      (outcomes) => {
        for (let i = 0; i < batch.length; i++) {
          const outcome = outcomes[i];
          if (!outcome) batch[i].reject(new Error("the store answered fewer operations than it was sent"));
          else if (outcome.ok) batch[i].resolve(outcome.value);
          else batch[i].reject(outcome.error);
        }
      },
      (error: Error) => {
        for (const p of batch) p.reject(error);
      },
    );
  }
}
