import { type NativeBinding, type NativeHandle, native } from "./native-binding.js";

/**
 * libvirt's own error, captured on the thread where the call failed.
 * `code` is a virErrorNumber (see `ErrorNumber`), `domain` the virErrorDomain;
 * a misuse of the binding (a closed connection, say) has code -1.
 *
 * @public
 */
export interface LibvirtError extends Error {
  readonly name: "LibvirtError";
  readonly code: number;
  readonly domain: number;
}

/** True when `err` is a LibvirtError, optionally with this virErrorNumber. @public */
export function isLibvirtError(err: unknown, code?: number): err is LibvirtError {
  return (
    err instanceof Error &&
    err.name === "LibvirtError" &&
    (code === undefined || (err as LibvirtError).code === code)
  );
}

type Fn<A extends unknown[], R> = (...args: A) => R;
function call<A extends unknown[], R>(name: string): Fn<A, R> {
  return native()[name] as unknown as Fn<A, R>;
}

/**
 * What a URI needs. In process, a call's own work (parsing XML, mostly) is
 * the limit at several calls in flight: two workers use both cores of a
 * small host. Through a daemon, calls are round trips and pipeline well.
 */
function defaultThreads(uri: string): number {
  return inProcess(uri) ? 2 : 8;
}

/**
 * Whether libvirt runs the URI's driver in this process, its calls taking
 * microseconds: the test driver without a transport (test:///default).
 * Everything else here goes through a daemon (qemu:///system included).
 */
function inProcess(uri: string): boolean {
  return /^test:\/\//.test(uri);
}

/**
 * A connection to a hypervisor. Every call runs on the connection's worker
 * threads, never on the JavaScript thread.
 *
 * @public
 */
export class Connection {
  readonly uri: string;
  readonly #handle: NativeHandle;

  private constructor(uri: string, handle: NativeHandle) {
    this.uri = uri;
    this.#handle = handle;
  }

  /** Opens `uri`; `threads` is the number of calls that may run at once (default 2 in process, 8 otherwise). */
  static async open(uri: string, options: { threads?: number } = {}): Promise<Connection> {
    const b: NativeBinding = native();
    const handle = new b.Connection(options.threads ?? defaultThreads(uri), inProcess(uri));
    await call<[NativeHandle, string], Promise<void>>("connectOpen")(handle, uri);
    return new Connection(uri, handle);
  }

  /** @internal */
  get handle(): NativeHandle {
    return this.#handle;
  }

  /** Waits for the calls in flight, then closes. Handles of this connection then reject every call. */
  close(): Promise<void> {
    return call<[NativeHandle], Promise<void>>("connectClose")(this.#handle);
  }
  isAlive(): boolean {
    return call<[NativeHandle], boolean>("connectIsAlive")(this.#handle);
  }
  getHostname(): Promise<string> {
    return call<[NativeHandle], Promise<string>>("connectGetHostname")(this.#handle);
  }
  getType(): Promise<string> {
    return call<[NativeHandle], Promise<string>>("connectGetType")(this.#handle);
  }
  /** libvirt's version as major * 1,000,000 + minor * 1,000 + release. */
  getLibVersion(): Promise<number> {
    return call<[NativeHandle], Promise<number>>("connectGetLibVersion")(this.#handle);
  }
  /** The hypervisor's version, encoded as getLibVersion's. */
  getVersion(): Promise<number> {
    return call<[NativeHandle], Promise<number>>("connectGetVersion")(this.#handle);
  }
  getCapabilities(): Promise<string> {
    return call<[NativeHandle], Promise<string>>("connectGetCapabilities")(this.#handle);
  }
  getNodeInfo(): Promise<NodeInfo> {
    return call<[NativeHandle], Promise<NodeInfo>>("nodeGetInfo")(this.#handle);
  }
  /** Free memory on the host, in bytes. */
  getFreeMemory(): Promise<number> {
    return call<[NativeHandle], Promise<number>>("nodeGetFreeMemory")(this.#handle);
  }
  async listAllDomains(flags = 0): Promise<Domain[]> {
    const list = await call<[NativeHandle, number], Promise<NativeHandle[]>>(
      "connectListAllDomains",
    )(this.#handle, flags);
    return list.map((h) => new Domain(this, h));
  }
  async defineXML(xml: string, flags = 0): Promise<Domain> {
    return new Domain(
      this,
      await call<[NativeHandle, string, number], Promise<NativeHandle>>("domainDefineXML")(
        this.#handle,
        xml,
        flags,
      ),
    );
  }
  async createXML(xml: string, flags = 0): Promise<Domain> {
    return new Domain(
      this,
      await call<[NativeHandle, string, number], Promise<NativeHandle>>("domainCreateXML")(
        this.#handle,
        xml,
        flags,
      ),
    );
  }
  async lookupByUUIDString(uuid: string): Promise<Domain> {
    return new Domain(
      this,
      await call<[NativeHandle, string], Promise<NativeHandle>>("domainLookupByUUIDString")(
        this.#handle,
        uuid,
      ),
    );
  }
  async lookupByName(name: string): Promise<Domain> {
    return new Domain(
      this,
      await call<[NativeHandle, string], Promise<NativeHandle>>("domainLookupByName")(
        this.#handle,
        name,
      ),
    );
  }
  /**
   * Calls `listener` for every lifecycle event of every domain (`event` is a
   * `DomainEvent`, `detail` its libvirt reason), or only for `events`.
   * Resolves with a function that stops the listening. Listeners do not keep
   * the process alive.
   */
  async onDomainLifecycle(
    listener: (uuid: string, event: number, detail: number) => void,
    options: { events?: readonly number[] } = {},
  ): Promise<() => Promise<void>> {
    // Unwanted event types are dropped in the binding, before they cost a
    // wake-up of the JavaScript thread.
    const mask = options.events
      ? options.events.reduce((m, e) => m | (1 << e), 0) >>> 0
      : 0xffffffff;
    const id = await call<[NativeHandle, typeof listener, number], Promise<number>>(
      "connectDomainEventRegister",
    )(this.#handle, listener, mask);
    return () =>
      call<[NativeHandle, number], Promise<void>>("connectDomainEventDeregister")(this.#handle, id);
  }

  /** Calls `listener` with a `CloseReason` if the connection to the hypervisor is lost. */
  onClose(listener: (reason: number) => void): Promise<void> {
    return call<[NativeHandle, typeof listener], Promise<void>>("connectRegisterCloseCallback")(
      this.#handle,
      listener,
    );
  }

  restore(path: string): Promise<void> {
    return call<[NativeHandle, string], Promise<void>>("domainRestore")(this.#handle, path);
  }
  async listAllStoragePools(flags = 0): Promise<StoragePool[]> {
    const list = await call<[NativeHandle, number], Promise<NativeHandle[]>>(
      "connectListAllStoragePools",
    )(this.#handle, flags);
    return list.map((h) => new StoragePool(h));
  }
  async storagePoolLookupByName(name: string): Promise<StoragePool> {
    return new StoragePool(
      await call<[NativeHandle, string], Promise<NativeHandle>>("storagePoolLookupByName")(
        this.#handle,
        name,
      ),
    );
  }
  async storagePoolCreateXML(xml: string): Promise<StoragePool> {
    return new StoragePool(
      await call<[NativeHandle, string], Promise<NativeHandle>>("storagePoolCreateXML")(
        this.#handle,
        xml,
      ),
    );
  }
  async storagePoolDefineXML(xml: string): Promise<StoragePool> {
    return new StoragePool(
      await call<[NativeHandle, string], Promise<NativeHandle>>("storagePoolDefineXML")(
        this.#handle,
        xml,
      ),
    );
  }
  async listAllNetworks(flags = 0): Promise<Network[]> {
    const list = await call<[NativeHandle, number], Promise<NativeHandle[]>>(
      "connectListAllNetworks",
    )(this.#handle, flags);
    return list.map((h) => new Network(h));
  }
  async networkLookupByName(name: string): Promise<Network> {
    return new Network(
      await call<[NativeHandle, string], Promise<NativeHandle>>("networkLookupByName")(
        this.#handle,
        name,
      ),
    );
  }
  async networkDefineXML(xml: string): Promise<Network> {
    return new Network(
      await call<[NativeHandle, string], Promise<NativeHandle>>("networkDefineXML")(
        this.#handle,
        xml,
      ),
    );
  }
}

/** virNodeInfo. @public */
export interface NodeInfo {
  model: string;
  memoryKiB: number;
  cpus: number;
  mhz: number;
  nodes: number;
  sockets: number;
  cores: number;
  threads: number;
}

/** virDomainInfo. @public */
export interface DomainInfo {
  state: number;
  maxMemKiB: number;
  memoryKiB: number;
  vcpus: number;
  cpuTimeNs: number;
}

/**
 * A domain. Each call holds its own libvirt reference to the domain while
 * it runs, so dropping the handle mid-call is safe.
 *
 * @public
 */
export class Domain {
  readonly connection: Connection;
  readonly #h: NativeHandle;

  /** @internal */
  constructor(connection: Connection, handle: NativeHandle) {
    this.connection = connection;
    this.#h = handle;
  }

  #do<A extends unknown[], R>(name: string, ...args: A): R {
    return call<[NativeHandle, ...A], R>(name)(this.#h, ...args);
  }

  getUUIDString(): string {
    return this.#do("domainGetUUIDString");
  }
  getName(): string {
    return this.#do("domainGetName");
  }
  create(flags = 0): Promise<void> {
    return this.#do("domainCreate", flags);
  }
  destroy(flags = 0): Promise<void> {
    return this.#do("domainDestroy", flags);
  }
  shutdown(flags = 0): Promise<void> {
    return this.#do("domainShutdown", flags);
  }
  reboot(flags = 0): Promise<void> {
    return this.#do("domainReboot", flags);
  }
  reset(): Promise<void> {
    return this.#do("domainReset");
  }
  suspend(): Promise<void> {
    return this.#do("domainSuspend");
  }
  resume(): Promise<void> {
    return this.#do("domainResume");
  }
  managedSave(flags = 0): Promise<void> {
    return this.#do("domainManagedSave", flags);
  }
  managedSaveRemove(): Promise<void> {
    return this.#do("domainManagedSaveRemove");
  }
  hasManagedSaveImage(): Promise<boolean> {
    return this.#do("domainHasManagedSaveImage");
  }
  save(path: string): Promise<void> {
    return this.#do("domainSave", path);
  }
  undefine(flags = 0): Promise<void> {
    return this.#do("domainUndefine", flags);
  }
  attachDevice(xml: string, flags = 0): Promise<void> {
    return this.#do("domainAttachDevice", xml, flags);
  }
  detachDevice(xml: string, flags = 0): Promise<void> {
    return this.#do("domainDetachDevice", xml, flags);
  }
  updateDevice(xml: string, flags = 0): Promise<void> {
    return this.#do("domainUpdateDevice", xml, flags);
  }
  setVcpus(count: number, flags = 0): Promise<void> {
    return this.#do("domainSetVcpus", count, flags);
  }
  setMemory(kib: number, flags = 0): Promise<void> {
    return this.#do("domainSetMemory", kib, flags);
  }
  setMaxMemory(kib: number): Promise<void> {
    return this.#do("domainSetMaxMemory", kib);
  }
  /** Sets (or, with null, removes) metadata; for an element, `key` is its namespace prefix and `uri` its namespace. */
  setMetadata(
    type: number,
    metadata: string | null,
    key: string | null,
    uri: string | null,
    flags = 0,
  ): Promise<void> {
    return this.#do("domainSetMetadata", type, metadata, key ?? "", uri ?? "", flags);
  }
  getMetadata(type: number, uri: string | null, flags = 0): Promise<string> {
    return this.#do("domainGetMetadata", type, uri ?? "", flags);
  }
  getXMLDesc(flags = 0): Promise<string> {
    return this.#do("domainGetXMLDesc", flags);
  }
  getInfo(): Promise<DomainInfo> {
    return this.#do("domainGetInfo");
  }
  getState(): Promise<{ state: number; reason: number }> {
    return this.#do("domainGetState");
  }
  memoryStats(): Promise<Record<string, number>> {
    return this.#do("domainMemoryStats");
  }
  blockStats(
    path: string,
  ): Promise<{ rdReq: number; rdBytes: number; wrReq: number; wrBytes: number; errs: number }> {
    return this.#do("domainBlockStats", path);
  }
  interfaceStats(
    path: string,
  ): Promise<{ rxBytes: number; rxPackets: number; txBytes: number; txPackets: number }> {
    return this.#do("domainInterfaceStats", path);
  }
  async snapshotCreateXML(xml: string, flags = 0): Promise<DomainSnapshot> {
    return new DomainSnapshot(
      await this.#do<[string, number], Promise<NativeHandle>>(
        "domainSnapshotCreateXML",
        xml,
        flags,
      ),
    );
  }
  async snapshotLookupByName(name: string): Promise<DomainSnapshot> {
    return new DomainSnapshot(
      await this.#do<[string], Promise<NativeHandle>>("domainSnapshotLookupByName", name),
    );
  }
  async listAllSnapshots(flags = 0): Promise<DomainSnapshot[]> {
    const list = await this.#do<[number], Promise<NativeHandle[]>>("domainListAllSnapshots", flags);
    return list.map((h) => new DomainSnapshot(h));
  }
}

/** A domain snapshot. @public */
export class DomainSnapshot {
  readonly #h: NativeHandle;
  /** @internal */
  constructor(handle: NativeHandle) {
    this.#h = handle;
  }
  getName(): string {
    return call<[NativeHandle], string>("snapshotGetName")(this.#h);
  }
  getXMLDesc(): Promise<string> {
    return call<[NativeHandle], Promise<string>>("snapshotGetXMLDesc")(this.#h);
  }
  revert(flags = 0): Promise<void> {
    return call<[NativeHandle, number], Promise<void>>("snapshotRevert")(this.#h, flags);
  }
  delete(flags = 0): Promise<void> {
    return call<[NativeHandle, number], Promise<void>>("snapshotDelete")(this.#h, flags);
  }
}

/** A storage pool. @public */
export class StoragePool {
  readonly #h: NativeHandle;
  /** @internal */
  constructor(handle: NativeHandle) {
    this.#h = handle;
  }
  /** @internal */
  get handle(): NativeHandle {
    return this.#h;
  }
  create(): Promise<void> {
    return call<[NativeHandle], Promise<void>>("storagePoolCreate")(this.#h);
  }
  destroy(): Promise<void> {
    return call<[NativeHandle], Promise<void>>("storagePoolDestroy")(this.#h);
  }
  undefine(): Promise<void> {
    return call<[NativeHandle], Promise<void>>("storagePoolUndefine")(this.#h);
  }
  isActive(): Promise<boolean> {
    return call<[NativeHandle], Promise<boolean>>("storagePoolIsActive")(this.#h);
  }
  refresh(): Promise<void> {
    return call<[NativeHandle], Promise<void>>("storagePoolRefresh")(this.#h);
  }
  getXMLDesc(): Promise<string> {
    return call<[NativeHandle], Promise<string>>("storagePoolGetXMLDesc")(this.#h);
  }
  async listAllVolumes(): Promise<StorageVol[]> {
    const list = await call<[NativeHandle], Promise<NativeHandle[]>>("storagePoolListAllVolumes")(
      this.#h,
    );
    return list.map((h) => new StorageVol(h));
  }
  async volumeLookupByName(name: string): Promise<StorageVol> {
    return new StorageVol(
      await call<[NativeHandle, string], Promise<NativeHandle>>("storageVolLookupByName")(
        this.#h,
        name,
      ),
    );
  }
  async volumeCreateXML(xml: string, flags = 0): Promise<StorageVol> {
    return new StorageVol(
      await call<[NativeHandle, string, number], Promise<NativeHandle>>("storageVolCreateXML")(
        this.#h,
        xml,
        flags,
      ),
    );
  }
  /** Creates a volume from another's contents (a clone), in this pool. */
  async volumeCreateXMLFrom(xml: string, source: StorageVol, flags = 0): Promise<StorageVol> {
    return new StorageVol(
      await call<[NativeHandle, string, NativeHandle, number], Promise<NativeHandle>>(
        "storageVolCreateXMLFrom",
      )(this.#h, xml, source.handle, flags),
    );
  }
}

/** A storage volume. @public */
export class StorageVol {
  readonly #h: NativeHandle;
  /** @internal */
  constructor(handle: NativeHandle) {
    this.#h = handle;
  }
  /** @internal */
  get handle(): NativeHandle {
    return this.#h;
  }
  delete(): Promise<void> {
    return call<[NativeHandle], Promise<void>>("storageVolDelete")(this.#h);
  }
  getPath(): Promise<string> {
    return call<[NativeHandle], Promise<string>>("storageVolGetPath")(this.#h);
  }
  getInfo(): Promise<{ type: number; capacityBytes: number; allocationBytes: number }> {
    return call<
      [NativeHandle],
      Promise<{ type: number; capacityBytes: number; allocationBytes: number }>
    >("storageVolGetInfo")(this.#h);
  }
}

/** A virtual network. @public */
export class Network {
  readonly #h: NativeHandle;
  /** @internal */
  constructor(handle: NativeHandle) {
    this.#h = handle;
  }
  create(): Promise<void> {
    return call<[NativeHandle], Promise<void>>("networkCreate")(this.#h);
  }
  isActive(): Promise<boolean> {
    return call<[NativeHandle], Promise<boolean>>("networkIsActive")(this.#h);
  }
  destroy(): Promise<void> {
    return call<[NativeHandle], Promise<void>>("networkDestroy")(this.#h);
  }
  undefine(): Promise<void> {
    return call<[NativeHandle], Promise<void>>("networkUndefine")(this.#h);
  }
  getXMLDesc(): Promise<string> {
    return call<[NativeHandle], Promise<string>>("networkGetXMLDesc")(this.#h);
  }
}
