/**
 * One queue per key. The compute agent keys it by instance: the contract
 * leaves it to the core never to run two operations on one instance at
 * once, and this is where the core keeps that promise. The scheduler keys
 * it by provider, so its own claims on one host never race each other.
 * Work under different keys runs concurrently.
 */
export class KeyedLanes {
  readonly #tails = new Map<string, Promise<unknown>>();

  /** Runs `work` after everything queued before it under `key`. */
  run<T>(uuid: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(uuid) ?? Promise.resolve();
    const result = previous.then(work, work);
    const tail = result.then(
      () => {},
      () => {},
    );
    this.#tails.set(uuid, tail);
    void tail.then(() => {
      if (this.#tails.get(uuid) === tail) this.#tails.delete(uuid);
    });
    return result;
  }

  /** Keys with work queued or running. */
  get busy(): number {
    return this.#tails.size;
  }
}
