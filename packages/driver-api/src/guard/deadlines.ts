import { Timeout } from "../errors.js";

/**
 * Deadlines for many concurrent calls at a cost well under a microsecond.
 *
 * A timer and an AbortController per call cost more than a fast driver call
 * itself. Instead, calls that start within the same short window and have
 * the same timeout share one bucket: one AbortController (its signal is the
 * one each call's driver sees) and one timer. When the bucket's deadline
 * passes, its signal aborts and every call still waiting in it is rejected
 * with `Timeout`. A call's deadline is therefore its timeout plus at most
 * one window (a tenth of the timeout, capped at 100 ms).
 */
export class DeadlineBuckets {
  readonly #open = new Map<number, Bucket>();

  /** Joins the open bucket for `timeoutMs`, opening a new one when the window has passed. */
  enter(timeoutMs: number): Bucket {
    const now = Date.now();
    let bucket = this.#open.get(timeoutMs);
    if (bucket === undefined || now >= bucket.windowEnd) {
      bucket?.close();
      bucket = new Bucket(timeoutMs, now);
      this.#open.set(timeoutMs, bucket);
    }
    return bucket;
  }
}

/** A call waiting in a bucket; `reject` ends it with `Timeout` if it is still waiting at the deadline. */
export interface Waiter {
  settled: boolean;
  readonly operation: string;
  readonly reject: (error: Timeout) => void;
}

export class Bucket {
  readonly controller = new AbortController();
  readonly signal: AbortSignal = this.controller.signal;
  readonly windowEnd: number;
  readonly #timeoutMs: number;
  readonly #waiters: Waiter[] = [];
  readonly #timer: NodeJS.Timeout;
  #pending = 0;
  #closed = false;

  constructor(timeoutMs: number, now: number) {
    const window = Math.min(100, Math.max(1, Math.floor(timeoutMs / 10)));
    this.windowEnd = now + window;
    this.#timeoutMs = timeoutMs;
    this.#timer = setTimeout(() => this.#expire(), timeoutMs + window);
    this.#timer.unref();
  }

  /** Registers a call; the timer holds the process open while any call waits. */
  join(waiter: Waiter): void {
    if (this.#pending === 0) this.#timer.ref();
    this.#pending += 1;
    this.#waiters.push(waiter);
  }

  /** Marks a call finished. */
  leave(waiter: Waiter): void {
    waiter.settled = true;
    this.#pending -= 1;
    if (this.#pending === 0) this.#idle();
  }

  /** No new calls will join; an idle closed bucket frees its timer at once. */
  close(): void {
    this.#closed = true;
    if (this.#pending === 0) clearTimeout(this.#timer);
  }

  #idle(): void {
    if (this.#closed) clearTimeout(this.#timer);
    else this.#timer.unref();
  }

  #expire(): void {
    this.#closed = true;
    this.controller.abort(new Timeout("call", this.#timeoutMs));
    for (const waiter of this.#waiters) {
      if (!waiter.settled) {
        waiter.settled = true;
        waiter.reject(new Timeout(waiter.operation, this.#timeoutMs));
      }
    }
    this.#waiters.length = 0;
    this.#pending = 0;
  }
}
