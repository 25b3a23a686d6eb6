import type { PowerState, SpawnRequest } from "@novakit/driver-api";

/**
 * A stand-in for your hypervisor's client: an in-memory host holding guests,
 * their power states and the host's capacity. Replace this file with calls to
 * the real thing; driver.ts keeps the contract's logic (the power-state
 * table, the events, the errors) and changes little.
 *
 * Its methods are asynchronous and take the call's signal because a real
 * client's are, and a real one waits on the network: pass the signal on to
 * every call, sleep and retry (C-CALL-1, C-CALL-2).
 *
 * Like a real host, it outlives the driver objects that talk to it: each
 * `memory://<name>` URI is one host per process, so a driver closed and
 * created again on the same config finds the guests it left there.
 */

/** One guest as the host holds it. */
export interface Guest {
  readonly uuid: string;
  /** The spawn request, as a structured clone: names and metadata come back byte for byte. */
  readonly request: SpawnRequest;
  readonly powerState: PowerState;
  readonly vcpus: number;
  readonly memoryMiB: number;
  /** When the guest last started (ms since the epoch); null while no guest runs. */
  readonly startedAt: number | null;
}

/** A change the host made on its own: a crash, a guest that powered itself off. */
export interface GuestChange {
  readonly uuid: string;
  readonly from: PowerState;
  readonly to: PowerState;
  readonly reason: string;
}

/** What the host refuses; the driver maps each to a contract error. */
export class HypervisorRefusal extends Error {
  constructor(
    readonly kind: "no-such-guest" | "guest-exists",
    readonly uuid: string,
  ) {
    super(`${kind}: ${uuid}`);
  }
}

type MutableGuest = { -readonly [K in keyof Guest]: Guest[K] };

const hosts = new Map<string, InMemoryHypervisor>();

export class InMemoryHypervisor {
  readonly version = "1.0.0";
  readonly cpuModel = "memory-cpu";
  readonly capacity = { vcpus: 64, memoryMiB: 262_144, localDiskGiB: 1_024 } as const;
  readonly #guests = new Map<string, MutableGuest>();
  readonly #watchers = new Set<(change: GuestChange) => void>();

  private constructor(readonly hostname: string) {}

  /** The host a `memory://<name>` URI names, made on first use. */
  static async connect(uri: string, signal: AbortSignal): Promise<InMemoryHypervisor> {
    signal.throwIfAborted();
    const hostname = new URL(uri).hostname;
    let host = hosts.get(hostname);
    if (host === undefined) {
      host = new InMemoryHypervisor(hostname);
      hosts.set(hostname, host);
    }
    return host;
  }

  async list(signal: AbortSignal): Promise<Guest[]> {
    signal.throwIfAborted();
    return [...this.#guests.values()].map((g) => ({ ...g }));
  }

  async get(uuid: string, signal: AbortSignal): Promise<Guest> {
    signal.throwIfAborted();
    return { ...this.#find(uuid) };
  }

  /** Defines and starts a guest. Checks and claims the UUID in one step, as a hypervisor does. */
  async create(request: SpawnRequest, signal: AbortSignal): Promise<Guest> {
    signal.throwIfAborted();
    if (this.#guests.has(request.uuid)) throw new HypervisorRefusal("guest-exists", request.uuid);
    const guest: MutableGuest = {
      uuid: request.uuid,
      request: structuredClone(request),
      powerState: "running",
      vcpus: request.flavor.vcpus,
      memoryMiB: request.flavor.memoryMiB,
      startedAt: Date.now(),
    };
    this.#guests.set(guest.uuid, guest);
    return { ...guest };
  }

  /** Moves a guest to `state`; a guest that comes up again restarts its clock. */
  async setPowerState(uuid: string, state: PowerState, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    const guest = this.#find(uuid);
    const wasUp = guest.powerState === "running" || guest.powerState === "paused";
    const isUp = state === "running" || state === "paused";
    if (!isUp) guest.startedAt = null;
    else if (!wasUp) guest.startedAt = Date.now();
    guest.powerState = state;
  }

  /** Restarts a running guest in place. */
  async restart(uuid: string, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    this.#find(uuid).startedAt = Date.now();
  }

  /** Stops and removes a guest with its disks, resolving with what it was; undefined when there was none. */
  async remove(uuid: string, signal: AbortSignal): Promise<Guest | undefined> {
    signal.throwIfAborted();
    const guest = this.#guests.get(uuid);
    this.#guests.delete(uuid);
    return guest === undefined ? undefined : { ...guest };
  }

  /** Subscribes to the changes the host makes on its own. Returns the unsubscribe function. */
  watch(listener: (change: GuestChange) => void): () => void {
    this.#watchers.add(listener);
    return () => this.#watchers.delete(listener);
  }

  /** What a real host does on its own, for your tests: the guest dies. */
  crash(uuid: string, reason = "the guest crashed"): void {
    this.#change(uuid, "crashed", reason);
  }

  /** What a real host does on its own, for your tests: the guest powers itself off. */
  guestPowerOff(uuid: string, reason = "the guest shut itself down"): void {
    this.#change(uuid, "stopped", reason);
  }

  #change(uuid: string, to: PowerState, reason: string): void {
    const guest = this.#find(uuid);
    const from = guest.powerState;
    guest.powerState = to;
    guest.startedAt = null;
    for (const watcher of this.#watchers) watcher({ uuid, from, to, reason });
  }

  #find(uuid: string): MutableGuest {
    const guest = this.#guests.get(uuid);
    if (guest === undefined) throw new HypervisorRefusal("no-such-guest", uuid);
    return guest;
  }
}
