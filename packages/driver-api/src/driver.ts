import type {
  AttachedBlockDevice,
  AttachedInterface,
  BlockDeviceSpec,
  InterfaceSpec,
} from "./schemas/devices.js";
import type { DriverInfo } from "./schemas/driver-info.js";
import type { LifecycleEvent } from "./schemas/events.js";
import type { HostResources } from "./schemas/host-resources.js";
import type { InstanceInfo, InstanceSummary } from "./schemas/instance-info.js";
import type {
  ConsoleOutput,
  ConsoleOutputSpec,
  MigrationSpec,
  PowerOffSpec,
  RebootSpec,
  ResizeSpec,
} from "./schemas/operations.js";
import type { SnapshotInfo, SnapshotSpec } from "./schemas/snapshot.js";
import type { SpawnRequest } from "./schemas/spawn-request.js";

/**
 * Passed to every driver call.
 *
 * @public
 */
export interface CallOptions {
  /**
   * Aborted when the caller gives up (its deadline passed, or it was
   * cancelled). A driver stops waiting and rejects soon after; work it already
   * handed to the hypervisor may still complete, so the core reads the
   * instance back before it acts again.
   */
  readonly signal: AbortSignal;
  /** The core's id for the request that led to this call; put it in every log line. */
  readonly requestId: string;
}

/**
 * A compute driver: one hypervisor on one host, behind the contract.
 *
 * Instances are named only by the UUID the core assigns. Every method may be
 * called concurrently for different instances; the core never runs two
 * operations on the same instance at once. Every method rejects with a
 * contract error (see `ErrorCode`); anything else is reported as
 * `DriverInternal`.
 *
 * The optional methods come in groups, each behind a capability. A driver
 * that declares a capability implements every method of its group; the core
 * calls none of them on a driver that does not.
 *
 * @public
 */
export interface ComputeDriver {
  /**
   * Connects to the hypervisor and reports what it found. Called once, before
   * any other method. Rejects with `HypervisorUnavailable` when the hypervisor
   * cannot be reached.
   */
  init(options: CallOptions): Promise<DriverInfo>;

  /** Releases every resource the driver holds. Idempotent. Instances keep running. */
  close(options: CallOptions): Promise<void>;

  /** The host's capacity and current usage, read fresh. */
  getHostResources(options: CallOptions): Promise<HostResources>;

  /** Every instance this driver manages on the host, in no particular order. */
  listInstances(options: CallOptions): Promise<InstanceSummary[]>;

  /** One instance as the hypervisor holds it now. Rejects with `InstanceNotFound`. */
  getInstanceInfo(uuid: string, options: CallOptions): Promise<InstanceInfo>;

  /**
   * Creates the instance and starts it. Resolves once it is `running` and the
   * `started` event has been emitted. Rejects with `InstanceExists` when the
   * UUID is taken and with `InvalidSpec` (naming the field) for a bad request;
   * either way nothing is created. A spawn that fails half-way removes what it
   * made before it rejects.
   */
  spawn(request: SpawnRequest, options: CallOptions): Promise<InstanceInfo>;

  /**
   * Stops the instance if needed and removes it with its disks. Idempotent:
   * destroying an instance that does not exist resolves.
   */
  destroy(uuid: string, options: CallOptions): Promise<void>;

  /** Soft asks the guest; hard resets it. See the transition table for the states each allows. */
  reboot(uuid: string, spec: RebootSpec, options: CallOptions): Promise<void>;

  /**
   * Asks the guest to shut down, then forces it off after `graceMs`.
   * Idempotent: an instance already stopped resolves.
   */
  powerOff(uuid: string, spec: PowerOffSpec, options: CallOptions): Promise<void>;

  /** Starts a stopped or crashed instance. Idempotent: a running instance resolves. */
  powerOn(uuid: string, options: CallOptions): Promise<void>;

  /** Stops the vCPUs, keeping memory. Idempotent on a paused instance. */
  pause(uuid: string, options: CallOptions): Promise<void>;

  /** Restarts the vCPUs of a paused instance. Idempotent on a running instance. */
  unpause(uuid: string, options: CallOptions): Promise<void>;

  /** Saves memory to disk and releases the host's CPU and RAM. Idempotent on a suspended instance. */
  suspend(uuid: string, options: CallOptions): Promise<void>;

  /** Restores a suspended instance. Idempotent on a running instance. */
  resume(uuid: string, options: CallOptions): Promise<void>;

  /** Capability `block-device`. Resolves with the device as the guest sees it. */
  attachBlockDevice?(
    uuid: string,
    spec: BlockDeviceSpec,
    options: CallOptions,
  ): Promise<AttachedBlockDevice>;
  /** Capability `block-device`. Idempotent: detaching a device that is not attached resolves. */
  detachBlockDevice?(uuid: string, deviceId: string, options: CallOptions): Promise<void>;

  /** Capability `network-interface`. Resolves with the MAC address the interface got. */
  attachInterface?(
    uuid: string,
    spec: InterfaceSpec,
    options: CallOptions,
  ): Promise<AttachedInterface>;
  /** Capability `network-interface`. Idempotent: detaching an interface that is not attached resolves. */
  detachInterface?(uuid: string, interfaceId: string, options: CallOptions): Promise<void>;

  /** Capability `snapshot`. */
  createSnapshot?(uuid: string, spec: SnapshotSpec, options: CallOptions): Promise<SnapshotInfo>;
  /** Capability `snapshot`. Newest last. */
  listSnapshots?(uuid: string, options: CallOptions): Promise<SnapshotInfo[]>;
  /** Capability `snapshot`. The instance returns to the snapshot's power state. */
  revertToSnapshot?(uuid: string, snapshotId: string, options: CallOptions): Promise<void>;
  /** Capability `snapshot`. Idempotent: deleting a snapshot that does not exist resolves. */
  deleteSnapshot?(uuid: string, snapshotId: string, options: CallOptions): Promise<void>;

  /** Capability `console-output`. */
  getConsoleOutput?(
    uuid: string,
    spec: ConsoleOutputSpec,
    options: CallOptions,
  ): Promise<ConsoleOutput>;

  /** Capability `resize`. Allowed only while the instance is stopped. */
  resize?(uuid: string, spec: ResizeSpec, options: CallOptions): Promise<void>;

  /** Capability `live-migration`. Declared in 1.0; no driver is required to honor it. */
  migrateLive?(uuid: string, spec: MigrationSpec, options: CallOptions): Promise<void>;
}

/**
 * A logger the core hands to a driver. Drivers log through it, never to the
 * console, so that their lines carry the core's context.
 *
 * @public
 */
export interface DriverLogger {
  debug(message: string, fields?: Readonly<Record<string, unknown>>): void;
  info(message: string, fields?: Readonly<Record<string, unknown>>): void;
  warn(message: string, fields?: Readonly<Record<string, unknown>>): void;
  error(message: string, fields?: Readonly<Record<string, unknown>>): void;
}

/**
 * What the core gives a driver when it creates it.
 *
 * @public
 */
export interface DriverHost {
  /**
   * Pushes a lifecycle event to the core. Call it as each power-state change
   * happens, in the order they happen, including changes the core did not
   * ask for (a guest that shut itself down, a crash). Never throws, never blocks.
   */
  emitEvent(event: LifecycleEvent): void;
  /** Where the driver logs. */
  readonly logger: DriverLogger;
  /** The contract version the core speaks, for drivers that adapt to it. */
  readonly contractVersion: string;
}

/** The methods every driver has; the core calls nothing else without a capability. @public */
export type RequiredDriverMethod = {
  [K in keyof ComputeDriver]-?: undefined extends ComputeDriver[K] ? never : K;
}[keyof ComputeDriver];

/** The methods a capability unlocks. @public */
export type OptionalDriverMethod = Exclude<keyof ComputeDriver, RequiredDriverMethod>;
