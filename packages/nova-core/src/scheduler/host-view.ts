import type { ResourceProvider } from "../objects/resource-provider.js";

type Amounts = Readonly<Record<string, number>>;

/**
 * The scheduler's in-memory copy of every provider, each at a generation.
 * It is never scanned from the database per placement: it is loaded once,
 * then updated by this scheduler's own claims, by the fresh copy a lost
 * claim answers with, and by the conductor's providers_changed casts. A
 * copy is only ever replaced by one of the same or a newer generation.
 *
 * A placement this scheduler has chosen but not yet claimed is a pending
 * reservation: it already counts in the host's usage, so concurrent
 * placements in this scheduler spread out instead of all choosing the same
 * host and colliding on its generation. A fresh copy from the database has
 * the pending reservations added back, since they are not committed yet.
 */
export class HostView {
  readonly #byId = new Map<number, ResourceProvider>();
  readonly #pending = new Map<number, Record<string, number>>();
  #order: ResourceProvider[] = [];
  // Each scheduler starts its walk somewhere else, so two schedulers that
  // look at part of a large cloud look at different parts and collide less.
  #cursor = Math.floor(Math.random() * 1_000_000);
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
    for (const p of providers) {
      this.#addPending(p);
      this.#byId.set(p.id, p);
    }
    this.#dirtyOrder = true;
  }

  /** Takes a fresher copy of one provider; an older one is ignored. */
  apply(p: ResourceProvider): void {
    const known = this.#byId.get(p.id);
    if (known && known.generation > p.generation) return;
    this.#addPending(p);
    if (known) {
      // In place: the walk order holds this same object.
      Object.assign(known, p);
      return;
    }
    this.#dirtyOrder = true;
    this.#byId.set(p.id, p);
  }

  /** Counts a chosen placement in the host's usage until it is claimed or cancelled. */
  reserve(id: number, amounts: Amounts): void {
    const p = this.#byId.get(id);
    if (!p) return;
    const pending = this.#pending.get(id) ?? {};
    for (const [rc, n] of Object.entries(amounts)) {
      pending[rc] = (pending[rc] ?? 0) + n;
      p.usage[rc] = (p.usage[rc] ?? 0) + n;
    }
    this.#pending.set(id, pending);
  }

  /** The claim committed at `generation`: the reservation is now part of the provider's usage. */
  confirm(id: number, generation: number, amounts: Amounts): void {
    this.#unpend(id, amounts);
    const p = this.#byId.get(id);
    if (p && p.generation < generation) p.generation = generation;
  }

  /**
   * Another scheduler's committed claim. Applied exactly when it follows the
   * generation known here; when some news was missed in between, the usage
   * still grows (a conservative guess) but the generation stays, so the
   * next claim on it conflicts and fetches the provider fresh. Our own
   * claims arrive here too and are already counted.
   */
  claimedElsewhere(id: number, generation: number, amounts: Amounts): void {
    const p = this.#byId.get(id);
    if (!p || p.generation >= generation) return;
    p.usage = { ...p.usage };
    for (const [rc, n] of Object.entries(amounts)) p.usage[rc] = (p.usage[rc] ?? 0) + n;
    if (p.generation === generation - 1) p.generation = generation;
  }

  /** The claim failed: the reservation goes. */
  cancel(id: number, amounts: Amounts): void {
    this.#unpend(id, amounts);
    const p = this.#byId.get(id);
    if (!p) return;
    for (const [rc, n] of Object.entries(amounts)) p.usage[rc] = (p.usage[rc] ?? 0) - n;
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

  #addPending(p: ResourceProvider): void {
    const pending = this.#pending.get(p.id);
    if (!pending) return;
    p.usage = { ...p.usage };
    for (const [rc, n] of Object.entries(pending)) p.usage[rc] = (p.usage[rc] ?? 0) + n;
  }

  #unpend(id: number, amounts: Amounts): void {
    const pending = this.#pending.get(id);
    if (!pending) return;
    let empty = true;
    for (const [rc, n] of Object.entries(amounts)) {
      pending[rc] = (pending[rc] ?? 0) - n;
      if (pending[rc] !== 0) empty = false;
    }
    if (empty) this.#pending.delete(id);
  }
}
