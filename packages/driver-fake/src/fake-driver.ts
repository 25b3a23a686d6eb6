import { randomUUID } from "node:crypto";
import {
  ALLOWED_STATES,
  type AttachedBlockDevice,
  type AttachedInterface,
  type BlockDeviceSpec,
  type CallOptions,
  type Capability,
  type ComputeDriver,
  type ConsoleOutput,
  type ConsoleOutputSpec,
  DEFAULT_CONSOLE_OUTPUT_BYTES,
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
  type InterfaceSpec,
  InvalidSpec,
  InvalidState,
  type LifecycleEventType,
  type MigrationSpec,
  type PowerOffSpec,
  type PowerOperation,
  type PowerState,
  type RebootSpec,
  type ResizeSpec,
  type SnapshotInfo,
  type SnapshotSpec,
  type SpawnRequest,
  transitionFor,
  Unsupported,
  validate,
} from "@novakit/driver-api";
import { type FakeDriverConfig, type ResolvedFakeConfig, resolveConfig } from "./config.js";
import { findHost, registerHost, unregisterHost } from "./fake-hosts.js";
import { FakeInstance } from "./fake-instance.js";

/** The version this fake "hypervisor" reports. */
const FAKE_HYPERVISOR_VERSION = "1.0.0";

/**
 * The reference driver: the whole contract, in memory. Every rule of the
 * contract is enforced here the way a real driver must enforce it (the
 * power-state table, idempotency, InvalidSpec with the field's path), so a
 * vendor can copy this class and replace the map with their hypervisor.
 *
 * Beyond the contract it offers fault injection for tests of the core:
 * {@link FakeDriver.simulateCrash}, {@link FakeDriver.simulateGuestShutdown}
 * and {@link FakeDriver.setHypervisorAvailable}.
 *
 * @public
 */
export class FakeDriver implements ComputeDriver {
  readonly hostname: string;
  readonly #config: ResolvedFakeConfig;
  readonly #host: DriverHost;
  readonly #instances = new Map<string, FakeInstance>();
  #connected = false;
  #available = true;
  #macSerial = 0;

  constructor(config: FakeDriverConfig | undefined, host: DriverHost) {
    this.#config = resolveConfig(config);
    this.#host = host;
    this.hostname = this.#config.hostname;
  }

  async init(options: CallOptions): Promise<DriverInfo> {
    await this.#simulate("init", options);
    registerHost(this);
    this.#connected = true;
    this.#host.logger.info("fake hypervisor connected", {
      hostname: this.hostname,
      requestId: options.requestId,
    });
    return {
      hypervisorType: "fake",
      hypervisorVersion: FAKE_HYPERVISOR_VERSION,
      capabilities: [...this.#config.capabilities],
    };
  }

  async close(_options: CallOptions): Promise<void> {
    unregisterHost(this);
    this.#connected = false;
  }

  async getHostResources(options: CallOptions): Promise<HostResources> {
    await this.#enter("getHostResources", options);
    let vcpus = 0;
    let memoryMiB = 0;
    let diskGiB = 0;
    for (const instance of this.#instances.values()) {
      vcpus += instance.vcpus;
      memoryMiB += instance.memoryMiB;
      diskGiB += instance.diskGiB;
    }
    const host = this.#config.host;
    return {
      hypervisorType: "fake",
      hypervisorVersion: FAKE_HYPERVISOR_VERSION,
      hostname: this.hostname,
      cpuModel: "fake-cpu",
      // The fake allows overcommit, as Nova's allocation ratios do; `used`
      // still never reports more than `total`.
      vcpus: { total: host.vcpus, used: Math.min(vcpus, host.vcpus) },
      memoryMiB: { total: host.memoryMiB, used: Math.min(memoryMiB, host.memoryMiB) },
      localDiskGiB: { total: host.diskGiB, used: Math.min(diskGiB, host.diskGiB) },
      numaCells: [
        { id: 0, cpus: Array.from({ length: host.vcpus }, (_, i) => i), memoryMiB: host.memoryMiB },
      ],
    };
  }

  async listInstances(options: CallOptions): Promise<InstanceSummary[]> {
    await this.#enter("listInstances", options);
    return [...this.#instances.values()].map((i) => ({ uuid: i.uuid, powerState: i.powerState }));
  }

  async getInstanceInfo(uuid: string, options: CallOptions): Promise<InstanceInfo> {
    await this.#enter("getInstanceInfo", options);
    return this.#get(uuid).info(Date.now());
  }

  async spawn(request: SpawnRequest, options: CallOptions): Promise<InstanceInfo> {
    validate.spawnRequest.assert(request);
    await this.#enter("spawn", options);
    // Check and insert with no await between them, so of two concurrent
    // spawns of one UUID exactly one wins.
    if (this.#instances.has(request.uuid)) throw new InstanceExists(request.uuid);
    const now = Date.now();
    const instance = new FakeInstance(request, now);
    for (const network of request.networks ?? []) {
      instance.interfaces.set(network.id, {
        id: network.id,
        network: network.network,
        macAddress: network.macAddress ?? this.#nextMac(),
      });
    }
    instance.console.push(
      `[fake] ${instance.uuid} booting`,
      `[fake] ${instance.uuid} reached init`,
    );
    this.#instances.set(instance.uuid, instance);
    this.#emit("started", instance);
    return instance.info(now);
  }

  async destroy(uuid: string, options: CallOptions): Promise<void> {
    await this.#enter("destroy", options);
    const instance = this.#instances.get(uuid);
    if (instance === undefined) return; // idempotent
    this.#instances.delete(uuid);
    const event = destroyEvent(instance.powerState);
    if (event !== null) {
      instance.moveTo("stopped", Date.now());
      this.#emit(event, instance);
    }
  }

  async reboot(uuid: string, spec: RebootSpec, options: CallOptions): Promise<void> {
    validate.rebootSpec.assert(spec);
    await this.#power(spec.type === "soft" ? "rebootSoft" : "rebootHard", "reboot", uuid, options);
  }

  async powerOff(uuid: string, spec: PowerOffSpec, options: CallOptions): Promise<void> {
    validate.powerOffSpec.assert(spec);
    if (
      !this.#config.cleanShutdown &&
      this.#get(uuid).powerState === "running" &&
      spec.graceMs > 0
    ) {
      // The guest ignores the shutdown request: wait out the grace period,
      // then cut the power, as a real hypervisor would.
      await sleep(spec.graceMs, options.signal);
    }
    await this.#power("powerOff", "powerOff", uuid, options);
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

  async attachBlockDevice(
    uuid: string,
    spec: BlockDeviceSpec,
    options: CallOptions,
  ): Promise<AttachedBlockDevice> {
    this.#requireCapability("block-device", "attachBlockDevice");
    validate.blockDeviceSpec.assert(spec);
    await this.#enter("attachBlockDevice", options);
    const instance = this.#inStates(uuid, "attachBlockDevice", ALLOWED_STATES.attach);
    const existing = instance.blockDevices.get(spec.id);
    if (existing) return { ...existing }; // idempotent
    const taken = new Set([...instance.blockDevices.values()].map((d) => d.deviceName));
    const letter = "bcdefghijklmnopqrstuvwxyz".split("").find((l) => !taken.has(`vd${l}`));
    if (letter === undefined)
      throw new InvalidState(uuid, "attachBlockDevice (no free device name)", instance.powerState);
    const device = { id: spec.id, deviceName: `vd${letter}`, readOnly: spec.readOnly ?? false };
    instance.blockDevices.set(spec.id, device);
    return { ...device };
  }

  async detachBlockDevice(uuid: string, deviceId: string, options: CallOptions): Promise<void> {
    this.#requireCapability("block-device", "detachBlockDevice");
    await this.#enter("detachBlockDevice", options);
    const instance = this.#inStates(uuid, "detachBlockDevice", ALLOWED_STATES.attach);
    instance.blockDevices.delete(deviceId); // idempotent
  }

  async attachInterface(
    uuid: string,
    spec: InterfaceSpec,
    options: CallOptions,
  ): Promise<AttachedInterface> {
    this.#requireCapability("network-interface", "attachInterface");
    validate.interfaceSpec.assert(spec);
    await this.#enter("attachInterface", options);
    const instance = this.#inStates(uuid, "attachInterface", ALLOWED_STATES.attach);
    const existing = instance.interfaces.get(spec.id);
    if (existing) return { ...existing }; // idempotent
    const attached = {
      id: spec.id,
      network: spec.network,
      macAddress: spec.macAddress ?? this.#nextMac(),
    };
    instance.interfaces.set(spec.id, attached);
    return { ...attached };
  }

  async detachInterface(uuid: string, interfaceId: string, options: CallOptions): Promise<void> {
    this.#requireCapability("network-interface", "detachInterface");
    await this.#enter("detachInterface", options);
    const instance = this.#inStates(uuid, "detachInterface", ALLOWED_STATES.attach);
    instance.interfaces.delete(interfaceId); // idempotent
  }

  async createSnapshot(
    uuid: string,
    spec: SnapshotSpec,
    options: CallOptions,
  ): Promise<SnapshotInfo> {
    this.#requireCapability("snapshot", "createSnapshot");
    validate.snapshotSpec.assert(spec);
    await this.#enter("createSnapshot", options);
    const instance = this.#inStates(uuid, "createSnapshot", ALLOWED_STATES.snapshot);
    const info: SnapshotInfo = {
      id: randomUUID(),
      name: spec.name,
      createdAt: new Date().toISOString(),
      powerState: instance.powerState,
    };
    instance.snapshots.push({ info, vcpus: instance.vcpus, memoryMiB: instance.memoryMiB });
    return { ...info };
  }

  async listSnapshots(uuid: string, options: CallOptions): Promise<SnapshotInfo[]> {
    this.#requireCapability("snapshot", "listSnapshots");
    await this.#enter("listSnapshots", options);
    return this.#get(uuid).snapshots.map((s) => ({ ...s.info }));
  }

  async revertToSnapshot(uuid: string, snapshotId: string, options: CallOptions): Promise<void> {
    this.#requireCapability("snapshot", "revertToSnapshot");
    await this.#enter("revertToSnapshot", options);
    const instance = this.#get(uuid);
    const snapshot = instance.snapshots.find((s) => s.info.id === snapshotId);
    if (snapshot === undefined) {
      throw new InvalidSpec("/snapshotId", `instance ${uuid} has no snapshot ${snapshotId}`);
    }
    instance.vcpus = snapshot.vcpus;
    instance.memoryMiB = snapshot.memoryMiB;
    const from = instance.powerState;
    const to = snapshot.info.powerState;
    instance.moveTo(to, Date.now());
    const event = eventForChange(from, to);
    if (event !== null) this.#emit(event, instance);
  }

  async deleteSnapshot(uuid: string, snapshotId: string, options: CallOptions): Promise<void> {
    this.#requireCapability("snapshot", "deleteSnapshot");
    await this.#enter("deleteSnapshot", options);
    const instance = this.#get(uuid);
    const index = instance.snapshots.findIndex((s) => s.info.id === snapshotId);
    if (index >= 0) instance.snapshots.splice(index, 1); // idempotent
  }

  async getConsoleOutput(
    uuid: string,
    spec: ConsoleOutputSpec,
    options: CallOptions,
  ): Promise<ConsoleOutput> {
    this.#requireCapability("console-output", "getConsoleOutput");
    validate.consoleOutputSpec.assert(spec);
    await this.#enter("getConsoleOutput", options);
    const text = this.#get(uuid)
      .console.map((line) => `${line}\n`)
      .join("");
    const bytes = Buffer.from(text, "utf8");
    const max = spec.maxBytes ?? DEFAULT_CONSOLE_OUTPUT_BYTES;
    if (bytes.length <= max) return { data: text, truncated: false };
    return { data: bytes.subarray(bytes.length - max).toString("utf8"), truncated: true };
  }

  async resize(uuid: string, spec: ResizeSpec, options: CallOptions): Promise<void> {
    this.#requireCapability("resize", "resize");
    validate.resizeSpec.assert(spec);
    await this.#enter("resize", options);
    const instance = this.#inStates(uuid, "resize", ALLOWED_STATES.resize);
    instance.vcpus = spec.vcpus;
    instance.memoryMiB = spec.memoryMiB;
  }

  async migrateLive(uuid: string, spec: MigrationSpec, options: CallOptions): Promise<void> {
    this.#requireCapability("live-migration", "migrateLive");
    validate.migrationSpec.assert(spec);
    await this.#enter("migrateLive", options);
    const instance = this.#inStates(uuid, "migrateLive", ALLOWED_STATES.migrateLive);
    const destination = findHost(spec.destination);
    if (destination === undefined) {
      throw new HypervisorUnavailable(`migration destination ${spec.destination} is not reachable`);
    }
    if (destination === this) throw new InvalidSpec("/destination", "is this host; choose another");
    destination.acceptMigrant(instance);
    this.#instances.delete(uuid);
  }

  /** @internal Called by another fake host's migrateLive. */
  acceptMigrant(instance: FakeInstance): void {
    if (!this.#connected || !this.#available) {
      throw new HypervisorUnavailable(`migration destination ${this.hostname} is not connected`);
    }
    if (this.#instances.has(instance.uuid)) throw new InstanceExists(instance.uuid);
    this.#instances.set(instance.uuid, instance);
  }

  /** Test hook: the guest or its emulator dies. Emits `crashed`. */
  simulateCrash(uuid: string): void {
    const instance = this.#get(uuid);
    instance.moveTo("crashed", Date.now());
    this.#emit("crashed", instance, "simulated crash");
  }

  /** Test hook: the guest powers itself off. Emits `stopped`. */
  simulateGuestShutdown(uuid: string): void {
    const instance = this.#get(uuid);
    if (instance.powerState !== "running")
      throw new InvalidState(uuid, "shut down", instance.powerState);
    instance.moveTo("stopped", Date.now());
    this.#emit("stopped", instance, "guest shut down");
  }

  /** Test hook: while false, every call rejects with `HypervisorUnavailable`. */
  setHypervisorAvailable(available: boolean): void {
    this.#available = available;
  }

  async #power(
    operation: PowerOperation,
    name: DriverOperation,
    uuid: string,
    options: CallOptions,
  ): Promise<void> {
    await this.#enter(name, options);
    const instance = this.#get(uuid);
    const transition = transitionFor(operation, instance.powerState);
    if (transition.kind === "invalid") throw new InvalidState(uuid, name, instance.powerState);
    if (transition.kind === "noop") return;
    const now = Date.now();
    if (instance.powerState === "running" && transition.to === "running") instance.rebooted(now);
    else instance.moveTo(transition.to, now);
    if (transition.event !== null) this.#emit(transition.event, instance);
  }

  /** Every operation but init starts here: connected, reachable, not cancelled, then the simulated latency. */
  async #enter(operation: DriverOperation, options: CallOptions): Promise<void> {
    if (!this.#connected) throw new DriverInternal(`${operation} called before init()`);
    await this.#simulate(operation, options);
  }

  async #simulate(operation: DriverOperation, options: CallOptions): Promise<void> {
    options.signal.throwIfAborted();
    if (!this.#available)
      throw new HypervisorUnavailable(`fake host ${this.hostname} is marked unavailable`);
    const ms = this.#config.latencyMs[operation] ?? this.#config.defaultLatencyMs;
    if (ms > 0) await sleep(ms, options.signal);
  }

  /** Optional methods answer Unsupported unless their capability is declared, as the contract requires. */
  #requireCapability(capability: Capability, operation: string): void {
    if (!this.#config.capabilities.includes(capability))
      throw new Unsupported(operation, capability);
  }

  #get(uuid: string): FakeInstance {
    const instance = this.#instances.get(uuid);
    if (instance === undefined) throw new InstanceNotFound(uuid);
    return instance;
  }

  #inStates(uuid: string, operation: string, allowed: readonly PowerState[]): FakeInstance {
    const instance = this.#get(uuid);
    if (!allowed.includes(instance.powerState))
      throw new InvalidState(uuid, operation, instance.powerState);
    return instance;
  }

  #emit(type: LifecycleEventType, instance: FakeInstance, reason?: string): void {
    this.#host.emitEvent({
      type,
      instanceUuid: instance.uuid,
      powerState: instance.powerState,
      occurredAt: new Date().toISOString(),
      ...(reason === undefined ? {} : { reason }),
    });
  }

  #nextMac(): string {
    // The locally administered range QEMU uses (52:54:00), unique per host.
    const n = ++this.#macSerial;
    return `52:54:00:${hex(n >> 16)}:${hex(n >> 8)}:${hex(n)}`;
  }
}

function hex(byte: number): string {
  return (byte & 0xff).toString(16).padStart(2, "0");
}

/** Waits `ms`, rejecting with the signal's reason if it aborts first. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    signal.throwIfAborted();
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
