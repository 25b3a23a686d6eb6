/**
 * Which instances have an operation of the driver's own in flight, or just
 * finished: a driver reports the events of its own operations itself, so
 * what the hypervisor shows of them (libvirt's events, xl's states seen by
 * a poll) must not be reported a second time. While an operation runs, and
 * for `quietMs` after it ends, the instance is quiet; when the window
 * closes, `onSettled` runs for it, so a reconcile catches anything else that
 * changed meanwhile.
 */
export class QuietWindows {
  readonly #busy = new Map<string, number>();
  readonly #quietUntil = new Map<string, number>();
  readonly #quietMs: number;
  readonly #onSettled: (uuid: string) => void;
  readonly #timers = new Set<NodeJS.Timeout>();
  /** Which window of each instance is the latest: only its end settles. */
  readonly #generation = new Map<string, number>();

  constructor(quietMs: number, onSettled: (uuid: string) => void) {
    this.#quietMs = quietMs;
    this.#onSettled = onSettled;
  }

  /** Marks an operation on `uuid` as started; call the function it returns when it ends (once is enough). */
  begin(uuid: string): () => void {
    this.#busy.set(uuid, (this.#busy.get(uuid) ?? 0) + 1);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const left = (this.#busy.get(uuid) ?? 1) - 1;
      if (left > 0) this.#busy.set(uuid, left);
      else this.#busy.delete(uuid);
      const until = Date.now() + this.#quietMs;
      this.#quietUntil.set(uuid, until);
      const generation = (this.#generation.get(uuid) ?? 0) + 1;
      this.#generation.set(uuid, generation);
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        // A later window (or an operation still running) settles it instead.
        if (this.#generation.get(uuid) !== generation || (this.#busy.get(uuid) ?? 0) > 0) return;
        this.#generation.delete(uuid);
        this.#quietUntil.delete(uuid);
        this.#onSettled(uuid);
      }, this.#quietMs + 1);
      timer.unref();
      this.#timers.add(timer);
    };
  }

  /** Runs `work` as an operation on `uuid`: quiet while it runs and for the window after. */
  async during<T>(uuid: string, work: () => Promise<T>): Promise<T> {
    const done = this.begin(uuid);
    try {
      return await work();
    } finally {
      done();
    }
  }

  /** Whether the instance's events are the driver's own right now. */
  isQuiet(uuid: string): boolean {
    return (this.#busy.get(uuid) ?? 0) > 0 || (this.#quietUntil.get(uuid) ?? 0) > Date.now();
  }

  /** Stops every pending settle (the driver is closing). */
  clear(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }
}
