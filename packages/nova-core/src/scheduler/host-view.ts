import type { ResourceProvider } from "../objects/resource-provider.js";

/**
 * The scheduler's in-memory copy of every provider, each at a generation.
 * It is never scanned from the database per placement: it is loaded once,
 * then updated by this scheduler's own claims, by the fresh copy a lost
 * claim answers with, and by the conductor's providers_changed casts. A
 * copy is only ever replaced by one of the same or a newer generation.
 */
export class HostView {
  readonly #byId = new Map<number, ResourceProvider>();
  #order: ResourceProvider[] = [];
  #cursor = 0;
  #dirtyOrder = false;

  get size(): number {
    return this.#byId.size;
  }

  get(id: number): ResourceProvider | undefined {
    return this.#byId.get(id);
  }

  /** Replaces the whole view (a full refresh). */
  replaceAll(providers: readonly ResourceProvider[]): void {
    this.#byId.clear();
    for (const p of providers) this.#byId.set(p.id, p);
    this.#dirtyOrder = true;
  }

  /** Takes a fresher copy of one provider; an older one is ignored. */
  apply(p: ResourceProvider): void {
    const known = this.#byId.get(p.id);
    if (known && known.generation > p.generation) return;
    if (known) {
      // In place: the walk order holds this same object.
      Object.assign(known, p);
      return;
    }
    this.#dirtyOrder = true;
    this.#byId.set(p.id, p);
  }

  /** Records this scheduler's own successful claim without a round trip. */
  claimed(id: number, generation: number, resources: Readonly<Record<string, number>>): void {
    const p = this.#byId.get(id);
    if (!p || p.generation >= generation) return;
    p.generation = generation;
    for (const [rc, amount] of Object.entries(resources)) p.usage[rc] = (p.usage[rc] ?? 0) + amount;
  }

  /**
   * Every provider once, starting where the last walk stopped, so that
   * successive placements that look at only part of a large cloud look at
   * different parts. `advance` says how far the walk actually went.
   */
  walk(): { hosts: readonly ResourceProvider[]; start: number; advance: (seen: number) => void } {
    if (this.#dirtyOrder) {
      this.#order = [...this.#byId.values()];
      this.#dirtyOrder = false;
    }
    const start = this.#order.length === 0 ? 0 : this.#cursor % this.#order.length;
    return {
      hosts: this.#order,
      start,
      advance: (seen) => {
        this.#cursor = start + seen;
      },
    };
  }
}
