/**
 * One queue per instance: the contract leaves it to the core never to run
 * two operations on one instance at once, and this is where the core keeps
 * that promise. Operations on different instances run concurrently.
 */
export class InstanceLanes {
  readonly #tails = new Map<string, Promise<unknown>>();

  /** Runs `work` after every operation queued before it on `uuid`. */
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

  /** Instances with an operation queued or running. */
  get busy(): number {
    return this.#tails.size;
  }
}
