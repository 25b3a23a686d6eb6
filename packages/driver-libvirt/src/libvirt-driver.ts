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
  DEFAULT_CONSOLE_OUTPUT_BYTES,
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
import { confineToDirectories, realDirectories } from "@novakit/driver-support";
import type { Connection, Domain } from "@novakit/node-libvirt";
import type { LibvirtDriverConfig } from "./config.js";
import {
  buildDomainXmlFor,
  type DomainXmlOptions,
  diskXml,
  domainName,
  type InstanceRecord,
  type InterfaceRecord,
  type InterfaceTarget,
  instanceElement,
  interfaceXml,
  METADATA_NS,
  METADATA_PREFIX,
  parseInstanceElement,
  parseSnapshotDescription,
  snapshotXml,
  usedDeviceNames,
} from "./domain-xml.js";
import { isLibvirtCode, LibvirtCode, toContractError } from "./errors.js";
import { isActive, mapLibvirtState } from "./power-state.js";
import { RootVolumes } from "./root-volumes.js";

type NodeLibvirt = typeof import("@novakit/node-libvirt");

// libvirt flag values the driver uses.
const MODIFY_LIVE = 1;
const MODIFY_CONFIG = 2;
const MODIFY_CONFIG_XML = 2; // VIR_DOMAIN_XML_INACTIVE: the persistent definition
const VCPU_MAXIMUM = 4;
const METADATA_ELEMENT = 2;
const LIST_TRANSIENT = 8;
const LIBVIRT_EVENT_DEFINED = 0;
// Buses whose disks QEMU can plug into a running guest.
const HOT_PLUG_BUSES = new Set(["virtio", "scsi"]);
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
  /** The root disks, when the config names the storage pool that holds them. */
  #rootVolumes: RootVolumes | undefined;
  /** The real paths of the configured image and volume directories. */
  #imageDir: string | undefined;
  #volumeDirs: string[] = [];
  /** Destroys in flight: a second destroy of the same instance waits for the first. */
  readonly #destroying = new Map<string, Promise<void>>();
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
    await this.#resolveDirectories();
    await this.#checkHostResources(conn);
    for (const domain of await conn.listAllDomains()) this.#present.add(domain.getUUIDString());
    await conn.onClose((reason) =>
      this.#host.logger.error("lost the connection to libvirt", { uri, reason }),
    );
    await this.#removeLeftovers(conn);
    const [type, version] = await Promise.all([conn.getType(), conn.getVersion()]);
    this.#capabilities = capabilitiesFor(type, this.#config);
    return {
      hypervisorType: type,
      hypervisorVersion: formatVersion(version),
      capabilities: [...this.#capabilities],
    };
  }

  /** The image and volume directories, as real paths: a request's file must resolve inside one. */
  async #resolveDirectories(): Promise<void> {
    const { imageDir, volumeDirs } = this.#config;
    try {
      if (imageDir !== undefined)
        this.#imageDir = (await realDirectories([imageDir], "imageDir"))[0];
      if (volumeDirs !== undefined)
        this.#volumeDirs = await realDirectories(volumeDirs, "volumeDirs");
    } catch (err) {
      const e = err as InvalidSpec;
      throw new HypervisorUnavailable(`config ${e.path.slice(1).replace("/", ".")}: ${e.reason}`);
    }
  }

  /**
   * What a driver process killed halfway left behind, found by what this
   * driver alone makes: a transient domain of its own (a spawn defines its
   * domain only after starting it, and a destroy undefines it before
   * killing it, so a transient one is a spawn or a destroy cut off: the
   * core never got an answer for it), and a root volume whose instance has
   * no domain. Both are removed, so nothing leaks and a retried spawn of
   * the UUID succeeds. Assumes one driver process per connection, as a
   * compute host runs one.
   */
  async #removeLeftovers(conn: Connection): Promise<void> {
    const removed: string[] = [];
    for (const domain of await conn.listAllDomains(LIST_TRANSIENT)) {
      const uuid = domain.getUUIDString();
      if (domain.getName() !== domainName(uuid)) continue;
      if ((await this.#recordOrUndefined(domain, uuid)) === undefined) continue; // not ours
      await domain.destroy().catch((err: unknown) => {
        if (!isLibvirtCode(err, LibvirtCode.NoDomain, LibvirtCode.OperationInvalid)) throw err;
      });
      this.#forget(uuid);
      removed.push(`domain ${domainName(uuid)}`);
    }
    const volumes = this.#rootVolumes;
    if (volumes !== undefined) {
      const domains = new Set((await conn.listAllDomains()).map((d) => d.getUUIDString()));
      for (const uuid of await volumes.owners()) {
        if (domains.has(uuid)) continue;
        if (await volumes.remove(uuid)) removed.push(`root volume of ${uuid}`);
      }
    }
    if (removed.length > 0) {
      this.#host.logger.warn("removed what an interrupted spawn or destroy left behind", {
        uri: this.#config.uri,
        removed,
      });
    }
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
      this.#rootVolumes = new RootVolumes(pool, this.#imageDir);
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
      const [node, hostname, type, version, instances, disk] = await Promise.all([
        conn.getNodeInfo(),
        conn.getHostname(),
        conn.getType(),
        conn.getVersion(),
        this.#ownDomains(),
        // Root disks live in the pool: its size is the host's local disk.
        this.#rootVolumes?.usageGiB() ?? { total: 0, used: 0 },
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
        localDiskGiB: disk,
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
          const root = await this.#rootVolumes?.create(request);
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
          // Started first, as a transient domain, then made persistent: a
          // process killed between the two leaves a transient domain, which
          // the next driver's init knows for a spawn cut off and removes
          // (a defined, never-started domain would look like a stopped instance).
          // Taken before the call: if it fails, the UUID may still be
          // another's (a stale entry costs one lookup; a missing one could
          // let a spawn redefine a live domain).
          this.#present.add(uuid);
          const started = await conn.createXML(xml);
          undo.push(() => started.destroy().then(() => this.#present.delete(uuid)));
          const domain = await conn.defineXML(xml);
          undo.push(() => domain.undefine(UNDEFINE_ALL));
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

  /**
   * Idempotent, and safe to call twice at once: a second destroy of the
   * same instance waits for the first and resolves with it.
   */
  destroy(uuid: string, _options: CallOptions): Promise<void> {
    const inFlight = this.#destroying.get(uuid);
    if (inFlight !== undefined) return inFlight;
    const run = this.#libvirt(() => this.#destroy(uuid)).finally(() =>
      this.#destroying.delete(uuid),
    );
    this.#destroying.set(uuid, run);
    return run;
  }

  /**
   * Reads the state it acts on, never a cached one: another client may
   * have started the domain since. The domain is undefined first and
   * killed after, so nobody can start it in between (a running domain that
   * loses its definition is transient, and a killed transient domain is
   * gone): once this resolves, no domain of that UUID runs or is defined.
   */
  async #destroy(uuid: string): Promise<void> {
    let domain: Domain;
    try {
      domain = await this.#lookup(uuid);
      await this.#record(domain, uuid); // a domain novakit did not create is not touched
    } catch (err) {
      if (!(err instanceof InstanceNotFound)) throw err;
      if (!this.#present.has(uuid) || !(await this.#exists(uuid))) {
        await this.#rootVolumes?.remove(uuid); // finishes a destroy cut off before
      }
      return;
    }
    const done = this.#quiet(uuid);
    try {
      const before = await this.#stateOf(domain).catch((err: unknown) => {
        if (toContractError(err, uuid) instanceof InstanceNotFound) return undefined;
        throw err;
      });
      await domain.undefine(UNDEFINE_ALL).catch(ignoreCodes(LibvirtCode.NoDomain));
      const killed = await domain.destroy().then(
        () => true,
        (err: unknown) => {
          ignoreCodes(LibvirtCode.NoDomain, LibvirtCode.OperationInvalid)(err);
          return false;
        },
      );
      this.#forget(uuid);
      await this.#rootVolumes?.remove(uuid);
      const event = killed ? "stopped" : before === undefined ? null : destroyEvent(before);
      if (event !== null) this.#emit(event, uuid, "stopped");
    } finally {
      done();
    }
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
      await domain.snapshotCreateXML(snapshotXml(id, { name: spec.name, createdAt, powerState }));
      return { id, name: spec.name, createdAt, powerState };
    });
  }

  async listSnapshots(uuid: string, _options: CallOptions): Promise<SnapshotInfo[]> {
    this.#require("snapshot", "listSnapshots");
    return this.#libvirt(async () => {
      const domain = await this.#lookup(uuid);
      const snapshots = await domain.listAllSnapshots();
      // Snapshots another libvirt client took are not the instance's: skipped.
      const infos = await Promise.all(
        snapshots.map(async (s) => ownSnapshot(s.getName(), await s.getXMLDesc())),
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
      const snapshot = await this.#ownSnapshot(domain, snapshotId);
      if (snapshot === undefined) {
        throw new InvalidSpec("/snapshotId", `instance ${uuid} has no snapshot ${snapshotId}`);
      }
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
      const snapshot = await this.#ownSnapshot(domain, snapshotId);
      await snapshot?.delete(); // idempotent
    });
  }

  /** One of the instance's own snapshots by id, or undefined (none, or another client's). */
  async #ownSnapshot(domain: Domain, snapshotId: string) {
    const snapshot = await domain.snapshotLookupByName(snapshotId).catch(() => undefined);
    if (snapshot === undefined) return undefined;
    return ownSnapshot(snapshotId, await snapshot.getXMLDesc()) === undefined
      ? undefined
      : snapshot;
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
      const bus = spec.bus ?? "virtio";
      if (state === "running" && !HOT_PLUG_BUSES.has(bus)) {
        throw new InvalidState(
          uuid,
          `attachBlockDevice on bus ${bus} (QEMU cannot plug it into a running guest; use virtio or scsi, or stop the instance first)`,
          state,
        );
      }
      // Whatever the power state: the persistent definition is as much the host's as the live one.
      const file = await confineToDirectories(
        spec.source,
        this.#volumeDirs,
        "/source",
        "volume",
        "regular-or-block",
      );
      const used = usedDeviceNames(await domain.getXMLDesc(MODIFY_CONFIG_XML));
      const letter = "bcdefghijklmnopqrstuvwxyz".split("").find((l) => !used.has(`vd${l}`));
      if (letter === undefined)
        throw new InvalidState(uuid, "attachBlockDevice (no free device name)", state);
      const device = {
        id: spec.id,
        deviceName: `vd${letter}`,
        source: file.path,
        readOnly: spec.readOnly ?? false,
        ...(file.stats.isBlockDevice() ? { block: true } : {}),
      };
      const flags = state === "running" ? MODIFY_CONFIG | MODIFY_LIVE : MODIFY_CONFIG;
      await domain.attachDevice(
        diskXml(
          device.source,
          device.deviceName,
          device.readOnly,
          bus,
          device.block ? "block" : "file",
        ),
        flags,
      );
      await this.#saveRecord(domain, uuid, state, {
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
      await domain.detachDevice(
        diskXml(
          device.source,
          device.deviceName,
          device.readOnly,
          "virtio",
          device.block ? "block" : "file",
        ),
        flags,
      );
      await this.#saveRecord(domain, uuid, state, {
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
      await this.#saveRecord(domain, uuid, state, {
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
      await this.#saveRecord(domain, uuid, state, {
        ...record,
        interfaces: (record.interfaces ?? []).filter((i) => i.id !== interfaceId),
      });
    });
  }

  /** Writes the instance record back into the domain's metadata, and keeps it cached. */
  async #saveRecord(
    domain: Domain,
    uuid: string,
    state: PowerState,
    record: InstanceRecord,
  ): Promise<void> {
    // Live too when the domain runs, so the running and persistent copies agree.
    const active = isActive(state);
    await domain.setMetadata(
      METADATA_ELEMENT,
      instanceElement(record),
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
    const max = spec.maxBytes ?? DEFAULT_CONSOLE_OUTPUT_BYTES;
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
        await act(domain, from).catch(async (err: unknown) => {
          // Another client changed the domain between the read and the act
          // ("domain is already running", "not running": libvirt's class for
          // it differs between its drivers): the state read back is the answer.
          const now = await this.#stateOf(domain).catch(() => from);
          if (now === from) throw err;
          this.#known.set(uuid, now);
          throw new InvalidState(uuid, name, now);
        });
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

  /** The instance record kept with the domain; InstanceNotFound for a domain novakit did not create. */
  async #record(domain: Domain, uuid: string): Promise<InstanceRecord> {
    const record = await this.#recordOrUndefined(domain, uuid);
    if (record === undefined) throw new InstanceNotFound(uuid);
    return record;
  }

  async #recordOrUndefined(domain: Domain, uuid: string): Promise<InstanceRecord | undefined> {
    const cached = this.#records.get(uuid);
    if (cached !== undefined) return cached;
    const xml = await domain.getMetadata(METADATA_ELEMENT, METADATA_NS).catch((err: unknown) => {
      // No novakit element: a domain novakit did not create. Anything else is libvirt's failure.
      if (!isLibvirtCode(err, LibvirtCode.NoDomainMetadata)) throw err;
      return "";
    });
    const record = parseInstanceElement(xml);
    if (record !== undefined) this.#records.set(uuid, record);
    return record;
  }

  /** The domains this driver created: named nk-<uuid>, with their info. */
  async #ownDomains(): Promise<
    { uuid: string; domain: Domain; info: Awaited<ReturnType<Domain["getInfo"]>> }[]
  > {
    const all = await this.#connection().listAllDomains();
    const named = all.filter((d) => d.getName() === domainName(d.getUUIDString()));
    const own = await Promise.all(
      named.map(async (domain) => {
        const uuid = domain.getUUIDString();
        // Named like ours but without novakit's record: another tool's, not an instance.
        if ((await this.#recordOrUndefined(domain, uuid)) === undefined) return undefined;
        return { uuid, domain, info: await domain.getInfo() };
      }),
    );
    return own.filter((d) => d !== undefined);
  }
}

/**
 * What the driver declares on a connection: only what it implements and
 * the hypervisor behind the URI honors. The test driver keeps snapshots and
 * offline resizes but cannot attach devices; on QEMU, volumes and
 * interfaces attach and detach (live and in the persistent definition),
 * and what needs the host's resources is declared when the config names
 * them: the console with its log directory, snapshots with the pool of
 * qcow2 root disks, interfaces with the networks, volumes with the
 * directories they may come from.
 */
export function capabilitiesFor(hypervisorType: string, config: LibvirtDriverConfig): Capability[] {
  if (hypervisorType === "TEST") return ["snapshot", "resize"];
  const qemu: Capability[] = ["resize"];
  // Volumes attach only from the directories the operator allows.
  if (config.volumeDirs !== undefined) qemu.push("block-device");
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

/** A rejection handler that swallows libvirt errors with these codes and rethrows the rest. */
function ignoreCodes(...codes: number[]): (err: unknown) => void {
  return (err) => {
    if (!isLibvirtCode(err, ...codes)) throw err;
  };
}

/** A snapshot as the contract reports it, when its description is one novakit wrote. */
function ownSnapshot(id: string, xml: string): SnapshotInfo | undefined {
  const saved = parseSnapshotDescription(xml) as Partial<SnapshotInfo> | undefined;
  if (
    typeof saved !== "object" ||
    saved === null ||
    typeof saved.name !== "string" ||
    typeof saved.createdAt !== "string" ||
    typeof saved.powerState !== "string"
  ) {
    return undefined;
  }
  return { id, name: saved.name, createdAt: saved.createdAt, powerState: saved.powerState };
}
