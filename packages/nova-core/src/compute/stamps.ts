/**
 * Observation stamps: microseconds since the epoch, strictly increasing
 * within an agent. The conductor keeps the stamp of the power state it
 * recorded and takes only newer ones, so of two reports of one instance the
 * later observation wins whatever order they arrive in. An agent restarted
 * later stamps later, as wall time moves on.
 */
export class StampClock {
  #last = 0;

  next(): number {
    this.#last = Math.max(this.#last + 1, Date.now() * 1000);
    return this.#last;
  }
}
