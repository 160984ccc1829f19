/**
 * A hub-wide cap on the bytes of request bodies held in memory at once.
 *
 * The gateway reads a body whole before admission (it needs the model from it), so the
 * per-key concurrency limits come too late to bound memory: many clients uploading large
 * bodies at once — or slowly — would each hold up to MAX_REQUEST_BODY_BYTES before any limit
 * applies. Every body takes its bytes from this budget while it is read (the declared
 * Content-Length up front, chunked bodies as they arrive) and gives them back when its
 * response is over (the body stays in memory for retries until then). A request that finds
 * the budget spent is refused at once with 503 and Retry-After, in the client's envelope.
 */
export class BodyBudget {
  private used = 0;

  constructor(readonly capBytes: number) {}

  /** Bytes held by bodies now. */
  get inUse(): number {
    return this.used;
  }

  /** Takes `bytes` if they fit under the cap; false (nothing taken) otherwise. */
  tryTake(bytes: number): boolean {
    if (bytes <= 0) return true;
    if (this.used + bytes > this.capBytes) return false;
    this.used += bytes;
    return true;
  }

  give(bytes: number): void {
    this.used = Math.max(0, this.used - bytes);
  }
}
