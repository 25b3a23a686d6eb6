import { RpcNoServer, RpcTimeout, TransportUnavailable } from "../errors.js";
import type { PayloadHandler, ServeOptions, Subscription, Transport } from "./transport.js";

/** How often request deadlines are checked: a timeout fires within this much of its deadline. */
const SWEEP_MS = 10;

interface PendingRequest {
  readonly deadline: number;
  readonly subject: string;
  readonly timeoutMs: number;
  readonly reject: (err: unknown) => void;
  done: boolean;
}

interface Listener {
  readonly handler: PayloadHandler;
  readonly queue: string | undefined;
}

/**
 * The embedded transport: subjects and queue groups in memory, with NATS's
 * delivery rules (one listener per queue group, every plain listener). The
 * payload is a string, so no object is ever shared between sender and
 * receiver, as on a real wire. Delivery is asynchronous (a microtask away),
 * never re-entrant.
 *
 * @public
 */
export class InProcessBus implements Transport {
  readonly name = "in-process";
  readonly #subjects = new Map<string, Listener[]>();
  // Round-robin position per subject+queue, so queue members share the load.
  readonly #cursor = new Map<string, number>();
  #closed = false;
  readonly #pending = new Set<PendingRequest>();
  #sweeper: NodeJS.Timeout | undefined;

  async serve(
    subject: string,
    handler: PayloadHandler,
    options: ServeOptions = {},
  ): Promise<Subscription> {
    this.#checkOpen();
    const listener: Listener = { handler, queue: options.queue };
    const list = this.#subjects.get(subject) ?? [];
    list.push(listener);
    this.#subjects.set(subject, list);
    return {
      unsubscribe: async () => {
        const current = this.#subjects.get(subject);
        if (!current) return;
        const rest = current.filter((l) => l !== listener);
        if (rest.length === 0) this.#subjects.delete(subject);
        else this.#subjects.set(subject, rest);
      },
    };
  }

  async publish(subject: string, payload: string): Promise<void> {
    this.#checkOpen();
    for (const listener of this.#targets(subject)) {
      // A cast's handler failing is the receiver's business; it never reaches the sender.
      void Promise.resolve()
        .then(() => listener.handler(payload))
        .catch(() => {});
    }
  }

  request(
    subject: string,
    payload: string,
    options: { readonly timeoutMs: number },
  ): Promise<string> {
    this.#checkOpen();
    const [listener] = this.#targets(subject, true);
    if (!listener) return Promise.reject(new RpcNoServer(subject));
    return new Promise<string>((resolve, reject) => {
      const pending: PendingRequest = {
        deadline: Date.now() + options.timeoutMs,
        subject,
        timeoutMs: options.timeoutMs,
        reject,
        done: false,
      };
      this.#track(pending);
      Promise.resolve()
        .then(() => listener.handler(payload))
        .then(
          (reply) => {
            if (pending.done) return;
            pending.done = true;
            resolve(reply);
          },
          (err: unknown) => {
            if (pending.done) return;
            pending.done = true;
            reject(err);
          },
        );
    });
  }

  /**
   * Deadlines are swept by one timer per bus, not one per request: a
   * timer each would cost more than the in-process call it guards.
   */
  #track(pending: PendingRequest): void {
    this.#pending.add(pending);
    if (this.#sweeper || this.#closed) return;
    this.#sweeper = setInterval(() => this.#sweep(), SWEEP_MS);
    this.#sweeper.unref();
  }

  #sweep(): void {
    const now = Date.now();
    for (const p of this.#pending) {
      if (p.done) {
        this.#pending.delete(p);
      } else if (p.deadline <= now) {
        p.done = true;
        this.#pending.delete(p);
        p.reject(new RpcTimeout(p.subject, "request", p.timeoutMs));
      }
    }
    if (this.#pending.size === 0 && this.#sweeper) {
      clearInterval(this.#sweeper);
      this.#sweeper = undefined;
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#sweeper) clearInterval(this.#sweeper);
    this.#sweeper = undefined;
    this.#subjects.clear();
  }

  /** The listeners a message goes to: every plain one, one per queue (only one in all for a request). */
  #targets(subject: string, single = false): Listener[] {
    const listeners = this.#subjects.get(subject);
    if (!listeners || listeners.length === 0) return [];
    const plain = listeners.filter((l) => l.queue === undefined);
    const queues = new Map<string, Listener[]>();
    for (const l of listeners) {
      if (l.queue === undefined) continue;
      const members = queues.get(l.queue) ?? [];
      members.push(l);
      queues.set(l.queue, members);
    }
    const chosen: Listener[] = [];
    for (const [queue, members] of queues) {
      const key = `${subject}\u0000${queue}`;
      const next = (this.#cursor.get(key) ?? 0) % members.length;
      this.#cursor.set(key, next + 1);
      const member = members[next];
      if (member) chosen.push(member);
    }
    const all = [...chosen, ...plain];
    return single ? all.slice(0, 1) : all;
  }

  #checkOpen(): void {
    if (this.#closed)
      throw new TransportUnavailable("in-process", "the bus was closed", "create a new cloud");
  }
}
