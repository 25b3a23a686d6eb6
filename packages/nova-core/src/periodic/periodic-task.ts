/** What a periodic task has done so far. @public */
export interface PeriodicTaskStats {
  readonly name: string;
  readonly intervalMs: number;
  runs: number;
  failures: number;
  /** Ticks that found the previous run still going and skipped. */
  skipped: number;
  lastError: string | null;
}

/**
 * A named periodic task (power-state sync, heartbeat, resource report),
 * its interval configured and its runs counted. A run never overlaps the
 * previous one; the work itself is written to be safe to run twice at once
 * anyway, since another process may run the same task. An interval of 0
 * turns the timer off; `runNow` still works.
 *
 * @public
 */
export class PeriodicTask {
  readonly stats: PeriodicTaskStats;
  readonly #run: () => Promise<void>;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  constructor(name: string, intervalMs: number, run: () => Promise<void>) {
    this.stats = { name, intervalMs, runs: 0, failures: 0, skipped: 0, lastError: null };
    this.#run = run;
  }

  start(): void {
    if (this.stats.intervalMs <= 0 || this.#timer) return;
    this.#timer = setInterval(() => void this.runNow(), this.stats.intervalMs);
    // A periodic task never keeps the process alive on its own.
    this.#timer.unref();
  }

  /** Runs now, or joins the run in progress. */
  runNow(): Promise<void> {
    if (this.#running) {
      this.stats.skipped += 1;
      return this.#running;
    }
    this.#running = this.#run()
      .then(
        () => {
          this.stats.runs += 1;
        },
        (err: unknown) => {
          this.stats.runs += 1;
          this.stats.failures += 1;
          this.stats.lastError = (err as Error)?.message ?? String(err);
        },
      )
      .finally(() => {
        this.#running = undefined;
      });
    return this.#running;
  }

  /** Stops the timer and waits for a run in progress. */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }
}
