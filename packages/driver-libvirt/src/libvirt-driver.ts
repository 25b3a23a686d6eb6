import { randomBytes, randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
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
  type DriverHost,
  type DriverInfo,
  DriverInternal,
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
import type { Connection, Domain, StoragePool, StorageVol } from "@novakit/node-libvirt";
import type { LibvirtDriverConfig } from "./config.js";
import {
  buildDomainXmlFor,
  type DomainXmlOptions,
  diskXml,
  type InstanceRecord,
  type InterfaceRecord,
  type InterfaceTarget,
  instanceElementForUpdate,
  interfaceXml,
  METADATA_NS,
  METADATA_PREFIX,
  parseInstanceElement,
  usedDeviceNames,
} from "./domain-xml.js";
import { toContractError } from "./errors.js";
import { isActive, mapLibvirtState } from "./power-state.js";
import { resolveImage, rootDiskBytes, rootVolumeName, rootVolumeXml } from "./root-disk.js";
import { decodeOpaque, encodeOpaque, escapeXml } from "./xml.js";

type NodeLibvirt = typeof import("@novakit/node-libvirt");

// libvirt flag values the driver uses.
const MODIFY_LIVE = 1;
const MODIFY_CONFIG = 2;
const MODIFY_CONFIG_XML = 2; // VIR_DOMAIN_XML_INACTIVE: the persistent definition
const VCPU_MAXIMUM = 4;
const METADATA_ELEMENT = 2;
const OPERATION_INVALID = 55;
const LIBVIRT_EVENT_DEFINED = 0;
const UNDEFINE_ALL = 1 | 2; // managed save and snapshot metadata (no NVRAM: the test driver refuses that flag, and our domains boot without UEFI)

/**
 * The compute driver on libvirt. Instances are domains named `nk-<uuid>`
 * whose UUID is the instance's; the display name, metadata, flavor and owner
 * are kept as opaque text in the domain's novakit metadata element.
 *
 * @public
 */
export class LibvirtDriver implements ComputeDriver {
  readonly #config: LibvirtDriverConfig;
  readonly #host: DriverHost;
  #lib: NodeLibvirt | undefined;
  #conn: Connection | undefined;
  #stopEvents: (() => Promise<void>) | undefined;
  #capabilities: Capability[] = [];
  /** The pool that holds root disks, when the config names one. */
  #pool: StoragePool | undefined;
  /** The power state each instance was last reported in, to turn libvirt events into contract events. */
  readonly #known = new Map<string, PowerState>();
  /** Instances with an operation in flight, or just finished: their libvirt events are the driver's own. */
  readonly #quietUntil = new Map<string, number>();
  readonly #busy = new Map<string, number>();
  readonly #startedAt = new Map<string, number>();
  /** UUIDs being spawned right now, so two concurrent spawns of one UUID cannot both define it. */
  readonly #spawning = new Set<string>();
  // Through a daemon every libvirt call is a round trip, so the driver keeps
  // what does not change: the domain handle and the instance record of each
  // instance it has seen. A handle whose domain went away is dropped on the
  // first call that says so.
  readonly #handles = new Map<string, Domain>();
  readonly #records = new Map<string, InstanceRecord>();
  /**
   * The UUIDs of the domains that may exist on the connection: listed at
   * init, then kept by the driver's own defines and removals and by
   * libvirt's "defined" events for everyone else's. A spawn consults it
   * instead of asking libvirt whether the UUID is free, a round trip through
   * a daemon. It may hold a UUID that is gone (a spawn confirms with libvirt
   * before refusing), never miss one that exists: "undefined" events are not
   * applied, since one that arrives late would remove a UUID defined again
   * since, and a spawn would then redefine a live domain.
   */
  readonly #present = new Set<string>();

  constructor(config: LibvirtDriverConfig, host: DriverHost) {
    this.#config = config;
    this.#host = host;
  }

  async init(_options: CallOptions): Promise<DriverInfo> {
    try {
      this.#lib = await import("@novakit/node-libvirt");
    } catch (cause) {
      throw new HypervisorUnavailable(
        "the libvirt binding (@novakit/node-libvirt) is not installed",
        { cause },
      );
    }
    const unavailable = this.#lib.unavailableReason;
    if (unavailable !== undefined) throw new HypervisorUnavailable(unavailable);
    const uri = this.#config.uri;
    try {
      this.#conn = await this.#lib.Connection.open(
        uri,
        this.#config.threads ? { threads: this.#config.threads } : {},
      );
    } catch (err) {
      throw new HypervisorUnavailable(`cannot connect to ${uri}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    const conn = this.#conn;
    // Power changes, and definitions (which keep the set of taken UUIDs
    // whole); removals are not wanted (see #present), and skipping them in
    // the binding saves a wake-up each. Registered before the listing, so no
    // definition falls between the two.
    this.#stopEvents = await conn.onDomainLifecycle(
      (uuid, event) => this.#onLibvirtEvent(uuid, event),
      // defined, started, suspended, resumed, stopped, shutdown, pmsuspended, crashed
      { events: [0, 2, 3, 4, 5, 6, 7, 8] },
    );
    for (const domain of await conn.listAllDomains()) this.#present.add(domain.getUUIDString());
    await conn.onClose((reason) =>
      this.#host.logger.error("lost the connection to libvirt", { uri, reason }),
    );
    const [type, version] = await Promise.all([conn.getType(), conn.getVersion()]);
    await this.#checkHostResources(conn);
    this.#capabilities = capabilitiesFor(type, this.#config);
    return {
      hypervisorType: type,
      hypervisorVersion: formatVersion(version),
      capabilities: [...this.#capabilities],
    };
  }

  /** The storage pool and networks the config names must be there and running: said now, by name, not at the first spawn. */
  async #checkHostResources(conn: Connection): Promise<void> {
    const { storagePool, networks, uri } = this.#config;
    if (storagePool !== undefined) {
      const pool = await conn.storagePoolLookupByName(storagePool).catch(() => undefined);
      if (pool === undefined) {
        throw new HypervisorUnavailable(
          `config storagePool: no storage pool "${storagePool}" on ${uri}; create one (virsh pool-define-as ${storagePool} dir --target <dir>; virsh pool-start ${storagePool}) or fix the name`,
        );
      }
      if (!(await pool.isActive())) {
        throw new HypervisorUnavailable(
          `config storagePool: storage pool "${storagePool}" on ${uri} is not running; start it (virsh pool-start ${storagePool})`,
        );
      }
      this.#pool = pool;
    }
    for (const [name, target] of Object.entries(networks ?? {})) {
      const parsed = parseTarget(target);
      if (parsed.type !== "network") continue; // a bridge is the host's; libvirt checks it when plugging
      const network = await conn.networkLookupByName(parsed.name).catch(() => undefined);
      if (network === undefined || !(await network.isActive())) {
        throw new HypervisorUnavailable(
          `config networks.${name}: libvirt network "${parsed.name}" on ${uri} is ${network === undefined ? "not defined" : "not running"}; ${network === undefined ? "define it or fix the name" : `start it (virsh net-start ${parsed.name})`}`,
        );
      }
    }
  }

  async close(_options: CallOptions): Promise<void> {
    await this.#stopEvents?.().catch(() => {});
    await this.#conn?.close();
    this.#conn = undefined;
  }

  async getHostResources(_options: CallOptions): Promise<HostResources> {
    const conn = this.#connection();
    return this.#libvirt(async () => {
      const [node, hostname, type, version, instances] = await Promise.all([
        conn.getNodeInfo(),
        conn.getHostname(),
        conn.getType(),
        conn.getVersion(),
        this.#ownDomains(),
      ]);
      let vcpus = 0;
      let memoryKiB = 0;
      for (const { info } of instances) {
        vcpus += info.vcpus;
        memoryKiB += info.maxMemKiB;
      }
      const totalMiB = Math.floor(node.memoryKiB / 1024);
      return {
        hypervisorType: type,
        hypervisorVersion: formatVersion(version),
        hostname,
        cpuModel: node.model || "unknown",
        vcpus: { total: node.cpus, used: Math.min(vcpus, node.cpus) },
        memoryMiB: { total: totalMiB, used: Math.min(Math.floor(memoryKiB / 1024), totalMiB) },
        localDiskGiB: { total: 0, used: 0 },
      };
    });
  }

  async listInstances(_options: CallOptions): Promise<InstanceSummary[]> {
    return this.#libvirt(async () => {
      const own = await this.#ownDomains();
      return Promise.all(
        own.map(async ({ uuid, domain }) => ({ uuid, powerState: await this.#stateOf(domain) })),
      );
    });
  }

  async getInstanceInfo(uuid: string, _options: CallOptions): Promise<InstanceInfo> {
    return this.#libvirt(async () => {
      const domain = await this.#lookup(uuid);
      const [info, record] = await Promise.all([
        this.#call(uuid, () => domain.getInfo()),
        this.#record(domain, uuid),
      ]);
      // getInfo's state is enough unless the domain is off: then the reason
      // (a crash?) and a managed-save image (suspended?) decide.
      const powerState =
        info.state === 5 ? await this.#stateOf(domain) : mapLibvirtState(info.state, 0, false);
      return this.#info(uuid, record, powerState, info.vcpus, Math.floor(info.maxMemKiB / 1024));
    });
  }

  #info(
    uuid: string,
    record: InstanceRecord,
    powerState: PowerState,
    vcpus: number,
    memoryMiB: number,
  ): InstanceInfo {
    const started = this.#startedAt.get(uuid);
    return {
      uuid,
      name: record.name,
      powerState,
      vcpus,
      memoryMiB,
      uptimeSeconds:
        isActive(powerState) && started !== undefined ? (Date.now() - started) / 1000 : 0,
      metadata: { ...record.metadata },
      blockDevices: (record.blockDevices ?? []).map(({ id, deviceName, readOnly }) => ({
        id,
        deviceName,
        readOnly,
      })),
      interfaces: (record.interfaces ?? []).map(({ id, network, macAddress }) => ({
        id,
        network,
        macAddress,
      })),
    };
  }

  async spawn(request: SpawnRequest, _options: CallOptions): Promise<InstanceInfo> {
    validate.spawnRequest.assert(request);
    const conn = this.#connection();
    const uuid = request.uuid;
    if (this.#spawning.has(uuid)) throw new InstanceExists(uuid);
    this.#spawning.add(uuid);
    const done = this.#quiet(uuid);
    try {
      const record = await this.#libvirt(async () => {
        if (this.#present.has(uuid) && (await this.#exists(uuid))) throw new InstanceExists(uuid);
        const interfaces = this.#interfacesFor(request);
        // Nothing half-created: whatever was made is unmade, last first,
        // when a later step fails.
        const undo: (() => Promise<unknown>)[] = [];
        try {
          const root = await this.#createRootDisk(request);
          if (root !== undefined) undo.push(() => root.volume.delete());
          const kept: InstanceRecord = {
            name: request.name,
            metadata: { ...request.metadata },
            flavor: { ...request.flavor },
            owner: { ...request.owner },
            image: { ...request.image },
            ...(interfaces.length > 0 ? { interfaces: interfaces.map((i) => i.nic) } : {}),
          };
          const xml = buildDomainXmlFor(kept, request, {
            ...this.#xmlOptions(uuid),
            ...(root === undefined ? {} : { rootDiskPath: root.path }),
            interfaces: interfaces.map(({ nic, target }) => ({
              macAddress: nic.macAddress,
              target,
            })),
          });
          const domain = await conn.defineXML(xml);
          this.#present.add(uuid);
          undo.push(() => domain.undefine(UNDEFINE_ALL).then(() => this.#present.delete(uuid)));
          await domain.create();
          this.#handles.set(uuid, domain);
          this.#records.set(uuid, kept);
          return kept;
        } catch (err) {
          for (const step of undo.reverse()) await step().catch(() => {});
          throw err;
        }
      });
      this.#recordState(uuid, "running");
      this.#emit("started", uuid, "running");
      // What was just defined and started, without reading it back.
      return this.#info(uuid, record, "running", request.flavor.vcpus, request.flavor.memoryMiB);
    } finally {
      done();
      this.#spawning.delete(uuid);
    }
  }

  async destroy(uuid: string, _options: CallOptions): Promise<void> {
    await this.#libvirt(async () => {
      let domain: Domain;
      try {
        domain = await this.#lookup(uuid);
      } catch (err) {
        if (!(err instanceof InstanceNotFound)) throw err;
        await this.#deleteRootDisk(uuid); // idempotent, and finishes a destroy cut off before
        return;
      }
      let state = this.#known.get(uuid) ?? (await this.#stateOf(domain));
      const done = this.#quiet(uuid);
      try {
        if (isActive(state)) {
          await domain.destroy().catch((err: unknown) => {
            // Off already (it shut itself down since): nothing to stop.
            if ((err as { code?: number }).code !== OPERATION_INVALID) throw err;
            state = "stopped";
          });
        }
        await this.#call(uuid, () => domain.undefine(UNDEFINE_ALL));
        this.#forget(uuid);
        await this.#deleteRootDisk(uuid);
        const event = destroyEvent(state);
        if (event !== null) this.#emit(event, uuid, "stopped");
      } finally {
        done();
      }
    });
  }

  reboot(uuid: string, spec: RebootSpec, _options: CallOptions): Promise<void> {
    validate.rebootSpec.assert(spec);
    return this.#power(
      spec.type === "soft" ? "rebootSoft" : "rebootHard",
      "reboot",
      uuid,
      async (domain, from) => {
        if (spec.type === "soft") return domain.reboot();
        if (from === "running") return domain.reset();
        if (from === "paused") await domain.destroy();
        if (from === "suspended") await domain.managedSaveRemove();
        await domain.create();
      },
    );
  }

  powerOff(uuid: string, spec: PowerOffSpec, _options: CallOptions): Promise<void> {
    validate.powerOffSpec.assert(spec);
    return this.#power("powerOff", "powerOff", uuid, async (domain, from) => {
      if (from === "suspended") return domain.managedSaveRemove();
      if (from === "running" && spec.graceMs > 0) {
        await domain.shutdown().catch(() => {});
        const deadline = Date.now() + spec.graceMs;
        while (Date.now() < deadline) {
          if ((await domain.getState()).state === 5) return;
          await new Promise((r) => setTimeout(r, Math.min(200, spec.graceMs)));
        }
      }
      if ((await domain.getState()).state !== 5) await domain.destroy();
    });
  }

  powerOn(uuid: string, _options: CallOptions): Promise<void> {
    return this.#power("powerOn", "powerOn", uuid, (domain) => domain.create());
  }

  pause(uuid: string, _options: CallOptions): Promise<void> {
    return this.#power("pause", "pause", uuid, (domain) => domain.suspend());
  }

  unpause(uuid: string, _options: CallOptions): Promise<void> {
    return this.#power("unpause", "unpause", uuid, (domain) => domain.resume());
  }

  suspend(uuid: string, _options: CallOptions): Promise<void> {
    return this.#power("suspend", "suspend", uuid, (domain) => domain.managedSave());
  }

  resume(uuid: string, _options: CallOptions): Promise<void> {
    // Starting a domain with a managed-save image restores it.
    return this.#power("resume", "resume", uuid, (domain) => domain.create());
  }

  async createSnapshot(
    uuid: string,
    spec: SnapshotSpec,
    _options: CallOptions,
  ): Promise<SnapshotInfo> {
    this.#require("snapshot", "createSnapshot");
    validate.snapshotSpec.assert(spec);
    return this.#libvirt(async () => {
      const domain = await this.#lookup(uuid);
      const powerState = await this.#stateOf(domain);
      if (!(ALLOWED_STATES.snapshot as readonly string[]).includes(powerState)) {
        throw new InvalidState(uuid, "createSnapshot", powerState);
      }
      const id = randomUUID();
      const createdAt = new Date().toISOString();
      // The display name travels as opaque text in the description.
      const description = encodeOpaque({ name: spec.name, createdAt, powerState });
      await domain.snapshotCreateXML(
        `<domainsnapshot><name>${escapeXml(id)}</name><description>${description}</description></domainsnapshot>`,
      );
      return { id, name: spec.name, createdAt, powerState };
    });
  }

  async listSnapshots(uuid: string, _options: CallOptions): Promise<SnapshotInfo[]> {
    this.#require("snapshot", "listSnapshots");
    return this.#libvirt(async () => {
      const domain = await this.#lookup(uuid);
      const snapshots = await domain.listAllSnapshots();
      const infos = await Promise.all(
        snapshots.map(async (s) => {
          const xml = await s.getXMLDesc();
          const description = /<description>([\s\S]*?)<\/description>/.exec(xml)?.[1];
          const saved = description
            ? decodeOpaque<{ name: string; createdAt: string; powerState: PowerState }>(description)
            : undefined;
          return saved ? { id: s.getName(), ...saved } : undefined;
        }),
      );
      return infos
        .filter((i): i is SnapshotInfo => i !== undefined)
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    });
  }

  async revertToSnapshot(uuid: string, snapshotId: string, _options: CallOptions): Promise<void> {
    this.#require("snapshot", "revertToSnapshot");
    await this.#libvirt(async () => {
      const domain = await this.#lookup(uuid);
      const from = await this.#stateOf(domain);
      const snapshot = await domain.snapshotLookupByName(snapshotId).catch(() => {
        throw new InvalidSpec("/snapshotId", `instance ${uuid} has no snapshot ${snapshotId}`);
      });
      const done = this.#quiet(uuid);
      try {
        await snapshot.revert();
        const to = await this.#stateOf(domain);
        this.#recordState(uuid, to);
        const event = eventForChange(from, to);
        if (event !== null) this.#emit(event, uuid, to);
      } finally {
        done();
      }
    });
  }

  async deleteSnapshot(uuid: string, snapshotId: string, _options: CallOptions): Promise<void> {
    this.#require("snapshot", "deleteSnapshot");
    await this.#libvirt(async () => {
      const domain = await this.#lookup(uuid);
      const snapshot = await domain.snapshotLookupByName(snapshotId).catch(() => undefined);
      await snapshot?.delete(); // idempotent
    });
  }

  async resize(uuid: string, spec: ResizeSpec, _options: CallOptions): Promise<void> {
    this.#require("resize", "resize");
    validate.resizeSpec.assert(spec);
    await this.#libvirt(async () => {
      const domain = await this.#lookup(uuid);
      const state = await this.#stateOf(domain);
      if (!(ALLOWED_STATES.resize as readonly string[]).includes(state))
        throw new InvalidState(uuid, "resize", state);
      await domain.setVcpus(spec.vcpus, MODIFY_CONFIG | VCPU_MAXIMUM);
      await domain.setVcpus(spec.vcpus, MODIFY_CONFIG);
      await domain.setMaxMemory(spec.memoryMiB * 1024);
      await domain.setMemory(spec.memoryMiB * 1024, MODIFY_CONFIG);
    });
  }

  async attachBlockDevice(
    uuid: string,
    spec: BlockDeviceSpec,
    _options: CallOptions,
  ): Promise<AttachedBlockDevice> {
    this.#require("block-device", "attachBlockDevice");
    validate.blockDeviceSpec.assert(spec);
    return this.#libvirt(async () => {
      const domain = await this.#lookup(uuid);
      const record = await this.#record(domain, uuid);
      const existing = record.blockDevices?.find((d) => d.id === spec.id);
      if (existing)
        return { id: existing.id, deviceName: existing.deviceName, readOnly: existing.readOnly }; // idempotent
      const state = await this.#stateOf(domain);
      if (!(ALLOWED_STATES.attach as readonly string[]).includes(state)) {
        throw new InvalidState(uuid, "attachBlockDevice", state);
      }
      const used = usedDeviceNames(await domain.getXMLDesc(MODIFY_CONFIG_XML));
      const letter = "bcdefghijklmnopqrstuvwxyz".split("").find((l) => !used.has(`vd${l}`));
      if (letter === undefined)
        throw new InvalidState(uuid, "attachBlockDevice (no free device name)", state);
      const device = {
        id: spec.id,
        deviceName: `vd${letter}`,
        source: spec.source,
        readOnly: spec.readOnly ?? false,
      };
      const flags = state === "running" ? MODIFY_CONFIG | MODIFY_LIVE : MODIFY_CONFIG;
      await domain.attachDevice(
        diskXml(device.source, device.deviceName, device.readOnly, spec.bus),
        flags,
      );
      await this.#saveRecord(domain, uuid, {
        ...record,
        blockDevices: [...(record.blockDevices ?? []), device],
      });
      return { id: device.id, deviceName: device.deviceName, readOnly: device.readOnly };
    });
  }

  async detachBlockDevice(uuid: string, deviceId: string, _options: CallOptions): Promise<void> {
    this.#require("block-device", "detachBlockDevice");
    await this.#libvirt(async () => {
      const domain = await this.#lookup(uuid);
      const record = await this.#record(domain, uuid);
      const device = record.blockDevices?.find((d) => d.id === deviceId);
      if (device === undefined) return; // idempotent
      const state = await this.#stateOf(domain);
      if (!(ALLOWED_STATES.attach as readonly string[]).includes(state)) {
        throw new InvalidState(uuid, "detachBlockDevice", state);
      }
      const flags = state === "running" ? MODIFY_CONFIG | MODIFY_LIVE : MODIFY_CONFIG;
      await domain.detachDevice(diskXml(device.source, device.deviceName, device.readOnly), flags);
      await this.#saveRecord(domain, uuid, {
        ...record,
        blockDevices: (record.blockDevices ?? []).filter((d) => d.id !== deviceId),
      });
    });
  }

  async attachInterface(
    uuid: string,
    spec: InterfaceSpec,
    _options: CallOptions,
  ): Promise<AttachedInterface> {
    this.#require("network-interface", "attachInterface");
    validate.interfaceSpec.assert(spec);
    return this.#libvirt(async () => {
      const domain = await this.#lookup(uuid);
      const record = await this.#record(domain, uuid);
      const existing = record.interfaces?.find((i) => i.id === spec.id);
      if (existing) return { ...existing }; // idempotent
      const target = this.#targetOf(spec.network);
      const state = await this.#stateOf(domain);
      if (!(ALLOWED_STATES.attach as readonly string[]).includes(state)) {
        throw new InvalidState(uuid, "attachInterface", state);
      }
      const nic: InterfaceRecord = {
        id: spec.id,
        network: spec.network,
        macAddress: spec.macAddress ?? randomMac(),
      };
      if (record.interfaces?.some((i) => i.macAddress === nic.macAddress)) {
        throw new InvalidSpec(
          "/macAddress",
          `instance ${uuid} has an interface with ${nic.macAddress} already`,
        );
      }
      const flags = state === "running" ? MODIFY_CONFIG | MODIFY_LIVE : MODIFY_CONFIG;
      await domain.attachDevice(interfaceXml(nic.macAddress, target), flags);
      await this.#saveRecord(domain, uuid, {
        ...record,
        interfaces: [...(record.interfaces ?? []), nic],
      });
      return { ...nic };
    });
  }

  async detachInterface(uuid: string, interfaceId: string, _options: CallOptions): Promise<void> {
    this.#require("network-interface", "detachInterface");
    await this.#libvirt(async () => {
      const domain = await this.#lookup(uuid);
      const record = await this.#record(domain, uuid);
      const nic = record.interfaces?.find((i) => i.id === interfaceId);
      if (nic === undefined) return; // idempotent
      const state = await this.#stateOf(domain);
      if (!(ALLOWED_STATES.attach as readonly string[]).includes(state)) {
        throw new InvalidState(uuid, "detachInterface", state);
      }
      const flags = state === "running" ? MODIFY_CONFIG | MODIFY_LIVE : MODIFY_CONFIG;
      // libvirt finds the interface by its MAC address.
      await domain.detachDevice(interfaceXml(nic.macAddress, this.#targetOf(nic.network)), flags);
      await this.#saveRecord(domain, uuid, {
        ...record,
        interfaces: (record.interfaces ?? []).filter((i) => i.id !== interfaceId),
      });
    });
  }

  /** Writes the instance record back into the domain's metadata, and keeps it cached. */
  async #saveRecord(domain: Domain, uuid: string, record: InstanceRecord): Promise<void> {
    // Live too when the domain runs, so the running and persistent copies agree.
    const active = isActive(this.#known.get(uuid) ?? "stopped");
    await domain.setMetadata(
      METADATA_ELEMENT,
      instanceElementForUpdate(record),
      METADATA_PREFIX,
      METADATA_NS,
      active ? MODIFY_CONFIG | MODIFY_LIVE : MODIFY_CONFIG,
    );
    this.#records.set(uuid, record);
  }
  async getConsoleOutput(
    uuid: string,
    spec: ConsoleOutputSpec,
    _options: CallOptions,
  ): Promise<ConsoleOutput> {
    this.#require("console-output", "getConsoleOutput");
    validate.consoleOutputSpec.assert(spec);
    await this.#libvirt(() => this.#lookup(uuid));
    const path = this.#consoleLog(uuid);
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch {
      bytes = Buffer.alloc(0); // nothing written yet
    }
    const max = spec.maxBytes ?? bytes.length;
    const tail = bytes.length > max ? bytes.subarray(bytes.length - max) : bytes;
    return { data: tail.toString("utf8"), truncated: bytes.length > max };
  }
  async migrateLive(): Promise<never> {
    throw new Unsupported("migrateLive", "live-migration");
  }

  /** Runs a power operation by the contract's table, then records and reports the transition. */
  async #power(
    operation: PowerOperation,
    name: string,
    uuid: string,
    act: (domain: Domain, from: PowerState) => Promise<void>,
  ): Promise<void> {
    await this.#libvirt(async () => {
      const domain = await this.#lookup(uuid);
      const from = await this.#stateOf(domain);
      const transition = transitionFor(operation, from);
      if (transition.kind === "invalid") throw new InvalidState(uuid, name, from);
      if (transition.kind === "noop") return;
      const done = this.#quiet(uuid);
      try {
        await act(domain, from);
        this.#recordState(uuid, transition.to);
        if (transition.to === "running" && (from !== "running" || operation.startsWith("reboot"))) {
          this.#startedAt.set(uuid, Date.now());
        }
        if (transition.event !== null) this.#emit(transition.event, uuid, transition.to);
      } finally {
        done();
      }
    });
  }

  /** A libvirt event: changes the driver made itself are reported by the operation; others, after reading the state back. */
  #onLibvirtEvent(uuid: string, event: number): void {
    if (event === LIBVIRT_EVENT_DEFINED) {
      this.#present.add(uuid);
      return;
    }
    // Within an operation or its quiet window the operation's own end has
    // a reconcile scheduled already: nothing to add, not even a timer.
    if ((this.#busy.get(uuid) ?? 0) > 0 || (this.#quietUntil.get(uuid) ?? 0) > Date.now()) return;
    setTimeout(() => void this.#reconcile(uuid), 0);
  }

  async #reconcile(uuid: string): Promise<void> {
    // An operation in flight, or one that just ended, will reconcile after it.
    if ((this.#busy.get(uuid) ?? 0) > 0 || (this.#quietUntil.get(uuid) ?? 0) > Date.now()) return;
    const before = this.#known.get(uuid);
    if (before === undefined || this.#conn === undefined) return;
    try {
      const now = await this.#stateOf(await this.#lookup(uuid));
      const event = eventForChange(before, now);
      this.#known.set(uuid, now);
      if (event !== null) this.#emit(event, uuid, now, "reported by the hypervisor");
    } catch {
      // Gone or unreachable: the next call reports it.
    }
  }

  /**
   * Marks an operation on the instance as started; the returned function
   * marks it done. While it runs, and for a quiet window after, libvirt's
   * events for the instance are the operation's own and are not reported
   * again; a reconcile after the window catches anything else that changed.
   */
  #quiet(uuid: string): () => void {
    this.#busy.set(uuid, (this.#busy.get(uuid) ?? 0) + 1);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const left = (this.#busy.get(uuid) ?? 1) - 1;
      if (left > 0) this.#busy.set(uuid, left);
      else this.#busy.delete(uuid);
      const until = Date.now() + (this.#config.eventQuietMs ?? 1000);
      this.#quietUntil.set(uuid, until);
      setTimeout(() => void this.#reconcile(uuid), until - Date.now() + 1).unref();
    };
  }

  /**
   * The interfaces a spawn asks for, checked, given MAC addresses, and
   * where each plugs in. A network the config does not map is refused by
   * its place in the request.
   */
  #interfacesFor(request: SpawnRequest): { nic: InterfaceRecord; target: InterfaceTarget }[] {
    const wanted = request.networks ?? [];
    if (wanted.length === 0) return [];
    this.#require("network-interface", "spawn with networks");
    const seen = new Set<string>();
    return wanted.map((n, i) => {
      if (seen.has(n.id))
        throw new InvalidSpec(`/networks/${i}/id`, `port ${n.id} is asked for twice`);
      seen.add(n.id);
      return {
        nic: { id: n.id, network: n.network, macAddress: n.macAddress ?? randomMac() },
        target: this.#targetOf(n.network, `/networks/${i}/network`),
      };
    });
  }

  /** Where a network of the contract plugs in on this host, by the config's map. */
  #targetOf(network: string, pointer = "/network"): InterfaceTarget {
    const mapped = this.#config.networks?.[network];
    if (mapped === undefined) {
      const known = Object.keys(this.#config.networks ?? {});
      throw new InvalidSpec(
        pointer,
        `network "${network}" is not one this host plugs into (config networks: ${known.length === 0 ? "none" : known.join(", ")})`,
      );
    }
    return parseTarget(mapped);
  }

  /**
   * The instance's root disk, when the config names a storage pool: a qcow2
   * volume over the image, sized by the flavor (or the image when it says 0).
   */
  async #createRootDisk(
    request: SpawnRequest,
  ): Promise<{ volume: StorageVol; path: string } | undefined> {
    const pool = this.#pool;
    if (pool === undefined) return undefined;
    const image = await resolveImage(request.image, this.#config.imageDir);
    const bytes = rootDiskBytes(request.flavor.rootDiskGiB, image, request.image.id);
    const volume = await pool.volumeCreateXML(rootVolumeXml(request.uuid, bytes, image));
    try {
      return { volume, path: await volume.getPath() };
    } catch (err) {
      await volume.delete().catch(() => {});
      throw err;
    }
  }

  /**
   * Removes an instance's root volume. Also called when the domain is gone
   * already, so a destroy that was cut off between the two finishes on retry.
   */
  async #deleteRootDisk(uuid: string): Promise<void> {
    const pool = this.#pool;
    if (pool === undefined) return;
    const volume = await pool.volumeLookupByName(rootVolumeName(uuid)).catch(() => undefined);
    await volume?.delete();
  }

  #recordState(uuid: string, state: PowerState): void {
    this.#known.set(uuid, state);
    if (state === "running" && !this.#startedAt.has(uuid)) this.#startedAt.set(uuid, Date.now());
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

  #require(capability: Capability, operation: string): void {
    if (!this.#capabilities.includes(capability)) throw new Unsupported(operation, capability);
  }

  #connection(): Connection {
    if (this.#conn === undefined)
      throw new DriverInternal("the libvirt driver was used before init()");
    return this.#conn;
  }

  #domainType(): string {
    return this.#config.domainType ?? (this.#config.uri.startsWith("test") ? "test" : "qemu");
  }

  #consoleLog(uuid: string): string {
    return join(this.#config.consoleLogDir ?? "/var/lib/novakit/console", `${uuid}.log`);
  }

  #xmlOptions(uuid: string): DomainXmlOptions {
    const domainType = this.#domainType();
    if (domainType === "test") return { domainType };
    const { kernel, initrd, cmdline } = this.#config;
    return {
      domainType,
      ...(kernel === undefined
        ? {}
        : {
            boot: {
              kernel,
              cmdline: cmdline ?? "console=ttyS0 panic=-1",
              ...(initrd === undefined ? {} : { initrd }),
            },
          }),
      ...(this.#config.consoleLogDir === undefined ? {} : { consoleLog: this.#consoleLog(uuid) }),
    };
  }

  /** Runs libvirt calls, turning libvirt's errors into the contract's. */
  async #libvirt<T>(work: () => Promise<T>): Promise<T> {
    this.#connection();
    try {
      return await work();
    } catch (err) {
      throw toContractError(err);
    }
  }

  async #lookup(uuid: string): Promise<Domain> {
    const cached = this.#handles.get(uuid);
    if (cached !== undefined) return cached;
    try {
      const domain = await this.#connection().lookupByUUIDString(uuid);
      this.#handles.set(uuid, domain);
      return domain;
    } catch (err) {
      throw toContractError(err, uuid);
    }
  }

  /** A call on an instance's domain; a domain that went away drops its cached handle. */
  async #call<T>(uuid: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      const mapped = toContractError(err, uuid);
      if (mapped instanceof InstanceNotFound) this.#forget(uuid);
      throw mapped;
    }
  }

  #forget(uuid: string): void {
    this.#present.delete(uuid);
    this.#handles.delete(uuid);
    this.#records.delete(uuid);
    this.#known.delete(uuid);
    this.#startedAt.delete(uuid);
  }

  /** Asks libvirt itself, past the cached handles: is there a domain with this UUID? */
  async #exists(uuid: string): Promise<boolean> {
    try {
      await this.#connection().lookupByUUIDString(uuid);
      return true;
    } catch (err) {
      if (toContractError(err, uuid) instanceof InstanceNotFound) {
        this.#forget(uuid);
        return false;
      }
      throw err;
    }
  }

  async #stateOf(domain: Domain): Promise<PowerState> {
    const { state, reason } = await domain.getState();
    const saved = state === 5 ? await domain.hasManagedSaveImage() : false;
    return mapLibvirtState(state, reason, saved);
  }

  async #record(domain: Domain, uuid: string): Promise<InstanceRecord> {
    const cached = this.#records.get(uuid);
    if (cached !== undefined) return cached;
    const xml = await domain.getMetadata(METADATA_ELEMENT, METADATA_NS).catch(() => "");
    const record = parseInstanceElement(xml);
    if (record === undefined) throw new InstanceNotFound(uuid); // a domain novakit did not create
    this.#records.set(uuid, record);
    return record;
  }

  /** The domains this driver created: named nk-<uuid>, with their info. */
  async #ownDomains(): Promise<
    { uuid: string; domain: Domain; info: Awaited<ReturnType<Domain["getInfo"]>> }[]
  > {
    const all = await this.#connection().listAllDomains();
    const own = all.filter((d) => d.getName() === `nk-${d.getUUIDString()}`);
    return Promise.all(
      own.map(async (domain) => ({
        uuid: domain.getUUIDString(),
        domain,
        info: await domain.getInfo(),
      })),
    );
  }
}

/**
 * What the driver declares on a connection: only what it implements and
 * the hypervisor behind the URI honors. The test driver keeps snapshots and
 * offline resizes but cannot attach devices; on QEMU, volumes and
 * interfaces attach and detach (live and in the persistent definition),
 * and what needs the host's resources is declared when the config names
 * them: the console with its log directory, snapshots with the pool of
 * qcow2 root disks, interfaces with the networks.
 */
export function capabilitiesFor(hypervisorType: string, config: LibvirtDriverConfig): Capability[] {
  if (hypervisorType === "TEST") return ["snapshot", "resize"];
  const qemu: Capability[] = ["resize", "block-device"];
  if (config.consoleLogDir !== undefined) qemu.push("console-output");
  // QEMU keeps snapshots inside qcow2 images: every instance has a qcow2
  // root disk exactly when the config names the pool that holds them.
  if (config.storagePool !== undefined) qemu.push("snapshot");
  if (config.networks !== undefined) qemu.push("network-interface");
  return qemu;
}

/** A config network target: "bridge:br0" is a host bridge, anything else a libvirt network. */
export function parseTarget(target: string): InterfaceTarget {
  return target.startsWith("bridge:")
    ? { type: "bridge", name: target.slice("bridge:".length) }
    : { type: "network", name: target };
}

/** A locally administered MAC address in the range QEMU's own use (52:54:00), random below. */
function randomMac(): string {
  const bytes = [0x52, 0x54, 0x00, ...randomBytes(3)];
  return bytes.map((b) => b.toString(16).padStart(2, "0")).join(":");
}

/** libvirt's encoded version (major * 1,000,000 + minor * 1,000 + release) as text. */
export function formatVersion(v: number): string {
  return `${Math.floor(v / 1_000_000)}.${Math.floor(v / 1000) % 1000}.${v % 1000}`;
}
