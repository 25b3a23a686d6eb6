import {
  type InstanceNotification,
  NOTIFICATION_SUBJECT,
  type Notification,
} from "../conductor/notifier.js";
import type { Subscription, Transport } from "../rpc/transport.js";

type Waiter = {
  predicate: (n: InstanceNotification) => boolean;
  resolve: (n: InstanceNotification) => void;
};

/**
 * A listener on the conductor's notifications, for callers that need to
 * know when an accepted request is done (tests, benchmarks, the REST layer's
 * long polls): wait for an instance to reach a state instead of sleeping.
 *
 * @public
 */
export class NotificationListener {
  readonly #waiters = new Map<string, Set<Waiter>>();
  readonly #latest = new Map<string, InstanceNotification>();
  readonly #others = new Set<(n: Notification) => void>();
  #subscription: Subscription | undefined;

  async start(transport: Transport): Promise<void> {
    this.#subscription = await transport.serve(NOTIFICATION_SUBJECT, async (payload) => {
      this.#deliver(JSON.parse(payload) as Notification);
      return "";
    });
  }

  async stop(): Promise<void> {
    await this.#subscription?.unsubscribe();
  }

  /** Calls `listener` with every notification. */
  onNotification(listener: (n: Notification) => void): () => void {
    this.#others.add(listener);
    return () => this.#others.delete(listener);
  }

  /** The newest notification seen for `uuid`. */
  latest(uuid: string): InstanceNotification | undefined {
    return this.#latest.get(uuid);
  }

  /** Resolves with the first notification of `uuid` (already seen or to come) that satisfies `predicate`. */
  waitFor(
    uuid: string,
    predicate: (n: InstanceNotification) => boolean,
  ): Promise<InstanceNotification> {
    const seen = this.#latest.get(uuid);
    if (seen && predicate(seen)) return Promise.resolve(seen);
    return new Promise((resolve) => {
      const set = this.#waiters.get(uuid) ?? new Set();
      set.add({ predicate, resolve });
      this.#waiters.set(uuid, set);
    });
  }

  #deliver(n: Notification): void {
    for (const listener of this.#others) listener(n);
    if (n.type !== "instance.update") return;
    const seen = this.#latest.get(n.uuid);
    // Notifications of one instance may arrive out of order; the version orders them.
    if (seen && seen.version > n.version) return;
    this.#latest.set(n.uuid, n);
    const waiters = this.#waiters.get(n.uuid);
    if (!waiters) return;
    for (const w of [...waiters]) {
      if (!w.predicate(n)) continue;
      waiters.delete(w);
      w.resolve(n);
    }
    if (waiters.size === 0) this.#waiters.delete(n.uuid);
  }
}
