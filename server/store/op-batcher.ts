/**
 * Coalesces the store operations of requests (admit, failover, settle) issued during one turn
 * of the event loop into one call (decision 0024). Under load a turn handles the events of many
 * connections; their operations then share one script call, one socket write and one reply
 * instead of one each. The flush runs in the same turn (setImmediate: after the I/O callbacks
 * that issued the operations), so a lone request waits for nothing.
 *
 * Operations run in the order they were pushed; each gets its own result or error.
 *
 * At most `maxInFlight` calls are outstanding at once. Under load the operations of the turns
 * that pass while both are out wait and go together in the next call, so a call carries many
 * requests' operations (fewer script runs, socket writes and replies per request, and the
 * script reads each scope's counters once for all of them). Two, not one: at one request at a
 * time, the previous request's settlement may still be out (sent when its wait below ended) when
 * the next admission comes, and that admission must not wait for it.
 *
 * An operation pushed as `canWait` (a settlement: its request has answered its client, and its
 * holds only make later admissions more careful, never less) does not start a call of its own
 * at once: it waits up to `waitMs` for company, and goes with the next operation that cannot
 * wait (the next admission) or when the wait ends. At one request at a time this is one script
 * call per request instead of two — the previous request's settlement runs, in order, just before
 * the next admission in the same call, so the admission still sees it.
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
  private waiting: ReturnType<typeof setTimeout> | undefined;
  private inFlight = 0;

  /**
   * @param send runs a list of operations as one call and answers one outcome per
   *   operation, in order; a rejection fails every operation of the batch.
   * @param maxOps the most operations in one call (a bigger turn is split into several calls).
   * @param maxInFlight the most calls outstanding at once; later operations wait for one to return.
   * @param waitMs how long an operation pushed as `canWait` may wait for company.
   */
  constructor(
    private readonly send: (ops: T[]) => Promise<BatchOutcome[]>,
    private readonly maxOps = 128,
    private readonly maxInFlight = 2,
    private readonly waitMs = 2,
  ) {}

  push(op: T, canWait = false): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.queue.push({ op, resolve, reject });
      if (this.scheduled) return;
      if (canWait) {
        this.waiting ??= setTimeout(this.flush, this.waitMs);
        return;
      }
      this.scheduled = true;
      setImmediate(this.flush);
    });
  }

  /** Sends what is queued now, waiting operations included (at shutdown). */
  flushNow(): void {
    if (this.queue.length) this.flush();
  }

  private readonly flush = () => {
    this.scheduled = false;
    if (this.waiting) {
      clearTimeout(this.waiting);
      this.waiting = undefined;
    }
    while (this.queue.length && this.inFlight < this.maxInFlight) {
      const batch = this.queue.length <= this.maxOps ? this.queue : this.queue.slice(0, this.maxOps);
      this.queue = batch === this.queue ? [] : this.queue.slice(this.maxOps);
      this.run(batch);
    }
  };

  private run(batch: Array<Pending<T>>) {
    this.inFlight++;
    let sent: Promise<BatchOutcome[]>;
    try {
      sent = this.send(batch.map((p) => p.op));
    } catch (error) {
      sent = Promise.reject(error as Error);
    }
    sent
      .finally(() => {
        this.inFlight--;
        // What queued while this call was out goes at once, in one call.
        if (this.queue.length && !this.scheduled) this.flush();
      })
      .then(
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
