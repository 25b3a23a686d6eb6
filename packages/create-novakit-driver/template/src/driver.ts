import {
  type CallOptions,
  type ComputeDriver,
  type DriverHost,
  type DriverInfo,
  DriverInternal,
  type DriverOperation,
  destroyEvent,
  eventForChange,
  type HostResources,
  HypervisorUnavailable,
  InstanceExists,
  type InstanceInfo,
  InstanceNotFound,
  type InstanceSummary,
  InvalidSpec,
  InvalidState,
  isDriverError,
  type LifecycleEventType,
  type PowerOffSpec,
  type PowerOperation,
  type PowerState,
  type RebootSpec,
  type SpawnRequest,
  transitionFor,
  validate,
} from "@novakit/driver-api";
import type { TemplateConfig } from "./config.js";
import {
  type Guest,
  type GuestChange,
  HypervisorRefusal,
  InMemoryHypervisor,
} from "./hypervisor.js";

/**
 * The driver: the contract's required methods over one host. Every rule a
 * driver must enforce itself is here (the power-state table through
 * `transitionFor`, validation, idempotency, events, contract errors); what
 * is specific to the in-memory stand-in is in hypervisor.ts.
 *
 * It declares no capability. To add one, implement every method of its group
 * (`CAPABILITIES` in @novakit/driver-api lists them) and return its name from
 * `init`; @novakit/driver-fake implements every group.
 */
export class TemplateDriver implements ComputeDriver {
  readonly #config: TemplateConfig;
  readonly #host: DriverHost;
  #hv: InMemoryHypervisor | undefined;
  #unwatch: (() => void) | undefined;

  constructor(config: TemplateConfig, host: DriverHost) {
    // create() must not touch the hypervisor or wait for anything (C-LOAD-6): init() connects.
    this.#config = config;
    this.#host = host;
  }

  async init(options: CallOptions): Promise<DriverInfo> {
    const hv = await this.#call(options.signal, () =>
      InMemoryHypervisor.connect(this.#config.uri, options.signal),
    );
    this.#hv = hv;
    // Changes the core did not ask for reach it too (C-EVENT-3).
    this.#unwatch?.();
    this.#unwatch = hv.watch((change) => this.#onHostChange(change));
    this.#host.logger.info("connected", { uri: this.#config.uri, requestId: options.requestId });
    return {
      hypervisorType: "memory",
      hypervisorVersion: hv.version,
      capabilities: [], // only what this connection can honor (C-INIT-2)
    };
  }

  async close(_options: CallOptions): Promise<void> {
    // Releases what the driver holds; the guests keep running. Idempotent (C-CLOSE-1).
    this.#unwatch?.();
    this.#unwatch = undefined;
    this.#hv = undefined;
  }

  async getHostResources(options: CallOptions): Promise<HostResources> {
    const hv = this.#connected("getHostResources");
    const guests = await this.#call(options.signal, () => hv.list(options.signal));
    const { vcpus, memoryMiB, localDiskGiB } = hv.capacity;
    const usedVcpus = guests.reduce((sum, g) => sum + g.vcpus, 0);
    const usedMemory = guests.reduce((sum, g) => sum + g.memoryMiB, 0);
    const usedDisk = guests.reduce((sum, g) => sum + diskGiB(g), 0);
    return {
      hypervisorType: "memory",
      hypervisorVersion: hv.version,
      hostname: hv.hostname,
      cpuModel: hv.cpuModel,
      // An overcommitted host still reports used no larger than total (C-HOST-1).
      vcpus: { total: vcpus, used: Math.min(usedVcpus, vcpus) },
      memoryMiB: { total: memoryMiB, used: Math.min(usedMemory, memoryMiB) },
      localDiskGiB: { total: localDiskGiB, used: Math.min(usedDisk, localDiskGiB) },
    };
  }

  async listInstances(options: CallOptions): Promise<InstanceSummary[]> {
    const hv = this.#connected("listInstances");
    const guests = await this.#call(options.signal, () => hv.list(options.signal));
    return guests.map((g) => ({ uuid: g.uuid, powerState: g.powerState }));
  }

  async getInstanceInfo(uuid: string, options: CallOptions): Promise<InstanceInfo> {
    const hv = this.#connected("getInstanceInfo");
    return infoOf(await this.#call(options.signal, () => hv.get(uuid, options.signal)));
  }

  async spawn(request: SpawnRequest, options: CallOptions): Promise<InstanceInfo> {
    // InvalidSpec naming the bad field, before anything is made (C-INPUT-1).
    validate.spawnRequest.assert(request);
    if (request.networks !== undefined && request.networks.length > 0) {
      // A request the driver cannot honour is refused, never half-done.
      throw new InvalidSpec("/networks", "this driver plugs no network interfaces");
    }
    const hv = this.#connected("spawn");
    // The host refuses a UUID it holds, so of two concurrent spawns exactly one wins (C-CONC-3).
    const guest = await this.#call(options.signal, () => hv.create(request, options.signal));
    // Resolve only once the instance runs and its event is out (C-SPAWN-3).
    this.#emit("started", guest.uuid, "running");
    return infoOf(guest);
  }

  async destroy(uuid: string, options: CallOptions): Promise<void> {
    const hv = this.#connected("destroy");
    // One step that removes the guest and says what it was, so of two
    // concurrent destroys only one reports the stop (C-CONC-5, C-EVENT-4).
    const removed = await this.#call(options.signal, () => hv.remove(uuid, options.signal));
    if (removed === undefined) return; // idempotent (C-IDEMP-2)
    const event = destroyEvent(removed.powerState);
    if (event !== null) this.#emit(event, uuid, "stopped");
  }

  // async, so a bad spec rejects rather than throws (C-ERR-2).
  async reboot(uuid: string, spec: RebootSpec, options: CallOptions): Promise<void> {
    validate.rebootSpec.assert(spec);
    return this.#power(spec.type === "soft" ? "rebootSoft" : "rebootHard", "reboot", uuid, options);
  }

  async powerOff(uuid: string, spec: PowerOffSpec, options: CallOptions): Promise<void> {
    validate.powerOffSpec.assert(spec);
    // A real driver asks the guest to shut down and forces it off after
    // spec.graceMs, waiting with options.signal; this guest obeys at once.
    return this.#power("powerOff", "powerOff", uuid, options);
  }

  powerOn(uuid: string, options: CallOptions): Promise<void> {
    return this.#power("powerOn", "powerOn", uuid, options);
  }

  pause(uuid: string, options: CallOptions): Promise<void> {
    return this.#power("pause", "pause", uuid, options);
  }

  unpause(uuid: string, options: CallOptions): Promise<void> {
    return this.#power("unpause", "unpause", uuid, options);
  }

  suspend(uuid: string, options: CallOptions): Promise<void> {
    return this.#power("suspend", "suspend", uuid, options);
  }

  resume(uuid: string, options: CallOptions): Promise<void> {
    return this.#power("resume", "resume", uuid, options);
  }

  /** Every power operation: read the state, look up the table's cell, act, report. */
  async #power(
    operation: PowerOperation,
    method: DriverOperation,
    uuid: string,
    options: CallOptions,
  ): Promise<void> {
    const hv = this.#connected(method);
    const guest = await this.#call(options.signal, () => hv.get(uuid, options.signal));
    const transition = transitionFor(operation, guest.powerState);
    if (transition.kind === "invalid") throw new InvalidState(uuid, method, guest.powerState);
    if (transition.kind === "noop") return; // resolves, changes nothing, emits nothing
    if (guest.powerState === "running" && transition.to === "running") {
      await this.#call(options.signal, () => hv.restart(uuid, options.signal)); // a reboot in place
    } else {
      await this.#call(options.signal, () => hv.setPowerState(uuid, transition.to, options.signal));
    }
    if (transition.event !== null) this.#emit(transition.event, uuid, transition.to);
  }

  /**
   * A change the host made on its own. A real hypervisor reports the
   * driver's own changes too: compare with the last state you reported, so
   * each change is emitted once (C-EVENT-4).
   */
  #onHostChange(change: GuestChange): void {
    const event = eventForChange(change.from, change.to);
    if (event !== null) this.#emit(event, change.uuid, change.to, change.reason);
  }

  #emit(type: LifecycleEventType, uuid: string, powerState: PowerState, reason?: string): void {
    this.#host.emitEvent({
      type,
      instanceUuid: uuid,
      powerState,
      occurredAt: new Date().toISOString(),
      ...(reason === undefined ? {} : { reason }),
    });
  }

  #connected(operation: DriverOperation): InMemoryHypervisor {
    if (this.#hv === undefined) throw new DriverInternal(`${operation} called before init()`);
    return this.#hv;
  }

  /**
   * Runs one hypervisor call and maps what it throws to the contract's
   * errors (C-ERR-1): an aborted call rejects with the signal's reason
   * (C-CALL-1), the host's refusals with their codes, anything else with
   * HypervisorUnavailable carrying the original as its cause (C-ERR-3, C-ERR-4).
   */
  async #call<T>(signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      if (isDriverError(err)) throw err;
      if (err instanceof HypervisorRefusal) {
        throw err.kind === "guest-exists"
          ? new InstanceExists(err.uuid)
          : new InstanceNotFound(err.uuid);
      }
      throw new HypervisorUnavailable(err instanceof Error ? err.message : String(err), {
        cause: err,
      });
    }
  }
}

function diskGiB(guest: Guest): number {
  return guest.request.flavor.rootDiskGiB + (guest.request.flavor.ephemeralDiskGiB ?? 0);
}

function infoOf(guest: Guest): InstanceInfo {
  const up = guest.startedAt !== null;
  return {
    uuid: guest.uuid,
    name: guest.request.name,
    powerState: guest.powerState,
    vcpus: guest.vcpus,
    memoryMiB: guest.memoryMiB,
    uptimeSeconds: up ? Math.max(0, (Date.now() - (guest.startedAt ?? 0)) / 1000) : 0,
    metadata: { ...guest.request.metadata },
    blockDevices: [],
    interfaces: [],
  };
}
