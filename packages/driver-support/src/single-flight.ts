/**
 * At most one run of an operation per key at a time: a second call while
 * the first runs waits for it and settles with it. For destroy, which the
 * contract lets the core retry while the first is still running (C-CONC-5).
 */
export class SingleFlight<T = void> {
  readonly #inFlight = new Map<string, Promise<T>>();

  run(key: string, work: () => Promise<T>): Promise<T> {
    const running = this.#inFlight.get(key);
    if (running !== undefined) return running;
    const promise = work().finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, promise);
    return promise;
  }

  has(key: string): boolean {
    return this.#inFlight.has(key);
  }
}

/**
 * UUIDs being spawned right now by this process: checked and claimed with
 * no await between, so of two concurrent spawns of one UUID exactly one
 * goes on (C-CONC-3). The hypervisor's own refusal covers other processes.
 */
export class SpawnClaims {
  readonly #claimed = new Set<string>();

  /** Claims `uuid`, or returns false when a spawn of it is already running. */
  claim(uuid: string): boolean {
    if (this.#claimed.has(uuid)) return false;
    this.#claimed.add(uuid);
    return true;
  }

  release(uuid: string): void {
    this.#claimed.delete(uuid);
  }

  has(uuid: string): boolean {
    return this.#claimed.has(uuid);
  }
}
