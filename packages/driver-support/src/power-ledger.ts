import {
  type DriverHost,
  eventForChange,
  type LifecycleEventType,
  type PowerState,
} from "@novakit/driver-api";

/**
 * The power state each instance was last reported in, so that what the
 * hypervisor shows later can be turned into the contract's events: a
 * reconcile compares the state read now with the one last reported, and
 * reports the change (the contract's `eventForChange`), once.
 */
export class PowerLedger {
  readonly #known = new Map<string, PowerState>();
  readonly #host: DriverHost;

  constructor(host: DriverHost) {
    this.#host = host;
  }

  /** The state last reported for `uuid`, if it is one the driver knows. */
  get(uuid: string): PowerState | undefined {
    return this.#known.get(uuid);
  }

  /** The UUIDs the driver knows a state of. */
  uuids(): string[] {
    return [...this.#known.keys()];
  }

  /** Records a state the driver itself brought about (and reported, if it changed). */
  set(uuid: string, state: PowerState): void {
    this.#known.set(uuid, state);
  }

  forget(uuid: string): void {
    this.#known.delete(uuid);
  }

  /**
   * Reconciles `uuid` with the state read now: records it, and emits the
   * event for the change, if any, as reported by the hypervisor. An
   * instance the driver knew no state of is recorded silently: there is
   * no "before" to report a change from.
   */
  reconcile(
    uuid: string,
    now: PowerState,
    reason = "reported by the hypervisor",
  ): LifecycleEventType | null {
    const before = this.#known.get(uuid);
    this.#known.set(uuid, now);
    if (before === undefined) return null;
    const event = eventForChange(before, now);
    if (event !== null) emitLifecycle(this.#host, event, uuid, now, reason);
    return event;
  }
}

/** Emits one lifecycle event, stamped now. */
export function emitLifecycle(
  host: DriverHost,
  type: LifecycleEventType,
  uuid: string,
  powerState: PowerState,
  reason?: string,
): void {
  host.emitEvent({
    type,
    instanceUuid: uuid,
    powerState,
    occurredAt: new Date().toISOString(),
    ...(reason === undefined ? {} : { reason }),
  });
}
