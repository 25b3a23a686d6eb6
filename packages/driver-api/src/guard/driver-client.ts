import { randomUUID } from "node:crypto";
import {
  CAPABILITIES,
  type Capability,
  impliedCapabilities,
  partitionCapabilities,
} from "../capabilities.js";
import type { CallOptions, ComputeDriver, DriverLogger } from "../driver.js";
import { Cancelled, DriverInternal, InvalidSpec, isDriverError, Unsupported } from "../errors.js";
import { Text, Uuid } from "../schemas/common.js";
import type {
  AttachedBlockDevice,
  AttachedInterface,
  BlockDeviceSpec,
  InterfaceSpec,
} from "../schemas/devices.js";
import type { DriverInfo } from "../schemas/driver-info.js";
import type { HostResources } from "../schemas/host-resources.js";
import { validate } from "../schemas/index.js";
import type { InstanceInfo, InstanceSummary } from "../schemas/instance-info.js";
import type {
  ConsoleOutput,
  ConsoleOutputSpec,
  MigrationSpec,
  PowerOffSpec,
  RebootSpec,
  ResizeSpec,
} from "../schemas/operations.js";
import type { SnapshotInfo, SnapshotSpec } from "../schemas/snapshot.js";
import type { SpawnRequest } from "../schemas/spawn-request.js";
import { type Validator, validatorFor } from "../validation.js";
import { DeadlineBuckets, type Waiter } from "./deadlines.js";
import { CAPABILITY_OF, DEFAULT_TIMEOUTS_MS, type DriverOperation } from "./operations.js";

/**
 * What a caller of {@link DriverClient} may pass; everything is optional.
 *
 * @public
 */
export interface CallContext {
  /** Cancels the call; combined with the operation's deadline. */
  readonly signal?: AbortSignal;
  /** The request id to hand the driver; one is made when absent. */
  readonly requestId?: string;
  /** Overrides the operation's deadline for this call. */
  readonly timeoutMs?: number;
}

/**
 * How a {@link DriverClient} guards the boundary.
 *
 * @public
 */
export interface DriverClientOptions {
  /** Per-operation deadlines, over {@link DEFAULT_TIMEOUTS_MS}. */
  readonly timeoutsMs?: Partial<Record<DriverOperation, number>>;
  /**
   * Check what the driver returns against the contract's schemas (default
   * true). A malformed answer becomes `DriverInternal` instead of corrupting
   * the caller's state.
   */
  readonly validateResults?: boolean;
  /**
   * Check requests against the contract's schemas before the driver sees
   * them (default true), so a bad request fails with `InvalidSpec` naming
   * the field even on a driver that forgot to validate. A caller whose
   * requests were already validated (the core's API layer does) and whose
   * drivers are certified may turn it off to validate once instead of twice.
   */
  readonly validateRequests?: boolean;
  /** Where the client reports what it ignored (unknown capabilities, say). */
  readonly logger?: DriverLogger;
  /**
   * The contract range the driver's manifest declares (the loader passes
   * it). It decides the capabilities the driver has without declaring them
   * ({@link impliedCapabilities}); without it the driver is taken for a 1.0
   * one, which has suspend and resume.
   *
   * @since 1.1.0
   */
  readonly contract?: string;
}

// A malformed UUID is a bad request, not an unknown instance: it fails as
// InvalidSpec at /uuid before the driver is called.
const uuidValidator = validatorFor(Uuid);
// The ids of attachments and snapshots, as the requests that create them
// give them (Text of 1 to 255 characters). Checked since 1.1.0.
const idValidator = validatorFor(Text({ minLength: 1, maxLength: 255 }));

/**
 * The core's side of the boundary: wraps a driver and enforces the contract
 * around every call. It validates requests before the driver sees them,
 * answers `Unsupported` for operations whose capability the driver did not
 * declare (without calling it), puts a deadline on every call, turns stray
 * exceptions into `DriverInternal`, and checks every answer against its
 * schema.
 *
 * @public
 */
export class DriverClient {
  readonly #driver: ComputeDriver;
  readonly #timeouts: Record<DriverOperation, number>;
  readonly #validateResults: boolean;
  readonly #validateRequests: boolean;
  readonly #logger: DriverLogger | undefined;
  #info: DriverInfo | undefined;
  #capabilities: ReadonlySet<Capability> = new Set();
  readonly #implied: readonly Capability[];
  // Request ids are a random prefix per client and a counter: unique, and
  // cheaper than a UUID per call.
  readonly #requestPrefix = `req-${randomUUID().slice(0, 8)}`;
  #requestSerial = 0;

  constructor(driver: ComputeDriver, options: DriverClientOptions = {}) {
    this.#driver = driver;
    this.#timeouts = { ...DEFAULT_TIMEOUTS_MS, ...options.timeoutsMs };
    this.#validateResults = options.validateResults ?? true;
    this.#validateRequests = options.validateRequests ?? true;
    this.#logger = options.logger;
    this.#implied = impliedCapabilities(options.contract ?? "^1.0.0");
  }

  /** What `init` reported; undefined before it. */
  get info(): DriverInfo | undefined {
    return this.#info;
  }

  /** The declared capabilities this contract knows, with the implied ones; empty before `init`. */
  get capabilities(): ReadonlySet<Capability> {
    return this.#capabilities;
  }

  /** True when the driver declared `capability` at init. */
  supports(capability: Capability): boolean {
    return this.#capabilities.has(capability);
  }

  /**
   * Initialises the driver and records its capabilities. Unknown capability
   * names are ignored; a known one whose methods the driver lacks is a
   * `DriverInternal` error, since the driver would fail the first call.
   */
  async init(ctx?: CallContext): Promise<DriverInfo> {
    const info = await this.#call("init", ctx, (o) => this.#driver.init(o), validate.driverInfo);
    const { known, unknown } = partitionCapabilities(info.capabilities);
    if (unknown.length > 0) {
      this.#logger?.info("ignoring capabilities this contract version does not know", { unknown });
    }
    for (const capability of known) {
      const missing = CAPABILITIES[capability].methods.filter(
        (m) => typeof (this.#driver as unknown as Record<string, unknown>)[m] !== "function",
      );
      if (missing.length > 0) {
        throw new DriverInternal(
          `driver declares capability "${capability}" but does not implement ${missing.join(", ")}; implement them or stop declaring it`,
        );
      }
    }
    this.#info = info;
    this.#capabilities = new Set([...known, ...this.#implied]);
    return info;
  }

  close(ctx?: CallContext): Promise<void> {
    return this.#guard(() => {
      return this.#call("close", ctx, (o) => this.#driver.close(o));
    });
  }

  getHostResources(ctx?: CallContext): Promise<HostResources> {
    return this.#guard(() => {
      return this.#call(
        "getHostResources",
        ctx,
        (o) => this.#driver.getHostResources(o),
        validate.hostResources,
      );
    });
  }

  listInstances(ctx?: CallContext): Promise<InstanceSummary[]> {
    return this.#guard(() => {
      return this.#call(
        "listInstances",
        ctx,
        (o) => this.#driver.listInstances(o),
        validate.instanceList,
      );
    });
  }

  getInstanceInfo(uuid: string, ctx?: CallContext): Promise<InstanceInfo> {
    return this.#guard(() => {
      checkUuid(uuid);
      return this.#call(
        "getInstanceInfo",
        ctx,
        (o) => this.#driver.getInstanceInfo(uuid, o),
        validate.instanceInfo,
      );
    });
  }

  spawn(request: SpawnRequest, ctx?: CallContext): Promise<InstanceInfo> {
    return this.#guard(() => {
      this.#checkRequest(validate.spawnRequest, request);
      return this.#call("spawn", ctx, (o) => this.#driver.spawn(request, o), validate.instanceInfo);
    });
  }

  destroy(uuid: string, ctx?: CallContext): Promise<void> {
    return this.#guard(() => {
      checkUuid(uuid);
      return this.#call("destroy", ctx, (o) => this.#driver.destroy(uuid, o));
    });
  }

  reboot(uuid: string, spec: RebootSpec, ctx?: CallContext): Promise<void> {
    return this.#guard(() => {
      checkUuid(uuid);
      this.#checkRequest(validate.rebootSpec, spec);
      return this.#call("reboot", ctx, (o) => this.#driver.reboot(uuid, spec, o));
    });
  }

  powerOff(uuid: string, spec: PowerOffSpec, ctx?: CallContext): Promise<void> {
    return this.#guard(() => {
      checkUuid(uuid);
      this.#checkRequest(validate.powerOffSpec, spec);
      return this.#call("powerOff", ctx, (o) => this.#driver.powerOff(uuid, spec, o));
    });
  }

  powerOn(uuid: string, ctx?: CallContext): Promise<void> {
    return this.#guard(() => {
      checkUuid(uuid);
      return this.#call("powerOn", ctx, (o) => this.#driver.powerOn(uuid, o));
    });
  }

  pause(uuid: string, ctx?: CallContext): Promise<void> {
    return this.#guard(() => {
      checkUuid(uuid);
      return this.#call("pause", ctx, (o) => this.#driver.pause(uuid, o));
    });
  }

  unpause(uuid: string, ctx?: CallContext): Promise<void> {
    return this.#guard(() => {
      checkUuid(uuid);
      return this.#call("unpause", ctx, (o) => this.#driver.unpause(uuid, o));
    });
  }

  /** Needs capability `suspend` (since 1.1; every driver for 1.0 has it). */
  suspend(uuid: string, ctx?: CallContext): Promise<void> {
    return this.#guard(() => {
      const suspend = this.#optional("suspend");
      checkUuid(uuid);
      return this.#call("suspend", ctx, (o) => suspend(uuid, o));
    });
  }

  /** Needs capability `suspend` (since 1.1; every driver for 1.0 has it). */
  resume(uuid: string, ctx?: CallContext): Promise<void> {
    return this.#guard(() => {
      const resume = this.#optional("resume");
      checkUuid(uuid);
      return this.#call("resume", ctx, (o) => resume(uuid, o));
    });
  }

  attachBlockDevice(
    uuid: string,
    spec: BlockDeviceSpec,
    ctx?: CallContext,
  ): Promise<AttachedBlockDevice> {
    return this.#guard(() => {
      const attach = this.#optional("attachBlockDevice");
      checkUuid(uuid);
      this.#checkRequest(validate.blockDeviceSpec, spec);
      return this.#call(
        "attachBlockDevice",
        ctx,
        (o) => attach(uuid, spec, o),
        validate.attachedBlockDevice,
      );
    });
  }

  detachBlockDevice(uuid: string, deviceId: string, ctx?: CallContext): Promise<void> {
    return this.#guard(() => {
      const detach = this.#optional("detachBlockDevice");
      checkUuid(uuid);
      checkId(deviceId, "/deviceId");
      return this.#call("detachBlockDevice", ctx, (o) => detach(uuid, deviceId, o));
    });
  }

  attachInterface(
    uuid: string,
    spec: InterfaceSpec,
    ctx?: CallContext,
  ): Promise<AttachedInterface> {
    return this.#guard(() => {
      const attach = this.#optional("attachInterface");
      checkUuid(uuid);
      this.#checkRequest(validate.interfaceSpec, spec);
      return this.#call(
        "attachInterface",
        ctx,
        (o) => attach(uuid, spec, o),
        validate.attachedInterface,
      );
    });
  }

  detachInterface(uuid: string, interfaceId: string, ctx?: CallContext): Promise<void> {
    return this.#guard(() => {
      const detach = this.#optional("detachInterface");
      checkUuid(uuid);
      checkId(interfaceId, "/interfaceId");
      return this.#call("detachInterface", ctx, (o) => detach(uuid, interfaceId, o));
    });
  }

  createSnapshot(uuid: string, spec: SnapshotSpec, ctx?: CallContext): Promise<SnapshotInfo> {
    return this.#guard(() => {
      const create = this.#optional("createSnapshot");
      checkUuid(uuid);
      this.#checkRequest(validate.snapshotSpec, spec);
      return this.#call("createSnapshot", ctx, (o) => create(uuid, spec, o), validate.snapshotInfo);
    });
  }

  listSnapshots(uuid: string, ctx?: CallContext): Promise<SnapshotInfo[]> {
    return this.#guard(() => {
      const list = this.#optional("listSnapshots");
      checkUuid(uuid);
      return this.#call("listSnapshots", ctx, (o) => list(uuid, o), validate.snapshotList);
    });
  }

  revertToSnapshot(uuid: string, snapshotId: string, ctx?: CallContext): Promise<void> {
    return this.#guard(() => {
      const revert = this.#optional("revertToSnapshot");
      checkUuid(uuid);
      checkId(snapshotId, "/snapshotId");
      return this.#call("revertToSnapshot", ctx, (o) => revert(uuid, snapshotId, o));
    });
  }

  deleteSnapshot(uuid: string, snapshotId: string, ctx?: CallContext): Promise<void> {
    return this.#guard(() => {
      const remove = this.#optional("deleteSnapshot");
      checkUuid(uuid);
      checkId(snapshotId, "/snapshotId");
      return this.#call("deleteSnapshot", ctx, (o) => remove(uuid, snapshotId, o));
    });
  }

  getConsoleOutput(
    uuid: string,
    spec: ConsoleOutputSpec = {},
    ctx?: CallContext,
  ): Promise<ConsoleOutput> {
    return this.#guard(() => {
      const read = this.#optional("getConsoleOutput");
      checkUuid(uuid);
      this.#checkRequest(validate.consoleOutputSpec, spec);
      return this.#call(
        "getConsoleOutput",
        ctx,
        (o) => read(uuid, spec, o),
        validate.consoleOutput,
      );
    });
  }

  resize(uuid: string, spec: ResizeSpec, ctx?: CallContext): Promise<void> {
    return this.#guard(() => {
      const resize = this.#optional("resize");
      checkUuid(uuid);
      this.#checkRequest(validate.resizeSpec, spec);
      return this.#call("resize", ctx, (o) => resize(uuid, spec, o));
    });
  }

  migrateLive(uuid: string, spec: MigrationSpec, ctx?: CallContext): Promise<void> {
    return this.#guard(() => {
      const migrate = this.#optional("migrateLive");
      checkUuid(uuid);
      this.#checkRequest(validate.migrationSpec, spec);
      return this.#call("migrateLive", ctx, (o) => migrate(uuid, spec, o));
    });
  }

  /** The driver's optional method, bound, or `Unsupported` when its capability is not declared. */
  #optional<K extends DriverOperation & keyof ComputeDriver>(
    operation: K,
  ): NonNullable<ComputeDriver[K]> {
    const capability = CAPABILITY_OF[operation] as Capability;
    const method = this.#driver[operation];
    if (!this.#capabilities.has(capability) || typeof method !== "function") {
      throw new Unsupported(operation, capability);
    }
    return (method as (...args: unknown[]) => unknown).bind(this.#driver) as NonNullable<
      ComputeDriver[K]
    >;
  }

  #call<T>(
    operation: DriverOperation,
    ctx: CallContext | undefined,
    invoke: (options: CallOptions) => Promise<T>,
    resultValidator?: Validator<T>,
  ): Promise<T> {
    const bucket = deadlines.enter(ctx?.timeoutMs ?? this.#timeouts[operation]);
    const signal = ctx?.signal ? AbortSignal.any([ctx.signal, bucket.signal]) : bucket.signal;
    if (ctx?.signal?.aborted) {
      return Promise.reject(new Cancelled(operation, { cause: ctx.signal.reason }));
    }
    if (signal.aborted) return Promise.reject(signal.reason);
    const options: CallOptions = { signal, requestId: ctx?.requestId ?? this.#nextRequestId() };
    return new Promise<T>((resolve, reject) => {
      // The deadline, and the caller's signal, reject the call even if the
      // driver ignores its signal; the driver's late answer is then dropped.
      const callerSignal = ctx?.signal;
      const waiter: Waiter = {
        settled: false,
        operation,
        // A deadline ends the call from the bucket: the caller's signal,
        // which may live far longer than the call, must not keep its listener.
        reject: (error) => {
          callerSignal?.removeEventListener("abort", onCallerAbort);
          reject(error);
        },
      };
      bucket.join(waiter);
      const onCallerAbort = () => {
        if (waiter.settled) return;
        bucket.leave(waiter);
        reject(new Cancelled(operation, { cause: callerSignal?.reason }));
      };
      callerSignal?.addEventListener("abort", onCallerAbort, { once: true });
      const finish = (): boolean => {
        if (waiter.settled) return false;
        bucket.leave(waiter);
        callerSignal?.removeEventListener("abort", onCallerAbort);
        return true;
      };
      const settle = (result: T) => {
        if (!finish()) return;
        if (resultValidator && this.#validateResults && !resultValidator.is(result)) {
          reject(
            new DriverInternal(
              `driver returned an invalid answer to ${operation}: ${describeInvalid(resultValidator, result)}`,
            ),
          );
        } else {
          resolve(result);
        }
      };
      const fail = (err: unknown) => {
        if (!finish()) return;
        reject(this.#normalise(operation, err, callerSignal));
      };
      try {
        invoke(options).then(settle, fail);
      } catch (err) {
        fail(err); // a driver method that throws instead of rejecting
      }
    });
  }

  /** Runs the synchronous checks of a call so that their failures reject, never throw. */
  #guard<T>(start: () => Promise<T>): Promise<T> {
    try {
      return start();
    } catch (err) {
      return Promise.reject(err);
    }
  }

  #checkRequest<R>(validator: Validator<R>, value: R): void {
    if (this.#validateRequests) validator.assert(value);
  }

  #normalise(
    operation: DriverOperation,
    err: unknown,
    callerSignal: AbortSignal | undefined,
  ): unknown {
    if (isDriverError(err)) return err;
    if (callerSignal?.aborted) return new Cancelled(operation, { cause: callerSignal.reason });
    return new DriverInternal(
      `driver failed in ${operation}: ${(err as Error)?.message ?? String(err)}`,
      {
        cause: err,
      },
    );
  }

  #nextRequestId(): string {
    this.#requestSerial += 1;
    return `${this.#requestPrefix}-${this.#requestSerial}`;
  }
}

/** The deadlines of every client in the process. */
const deadlines = new DeadlineBuckets();

function checkId(id: string, pointer: string): void {
  if (!idValidator.is(id)) {
    throw new InvalidSpec(pointer, "must be 1 to 255 characters of valid Unicode, without NUL");
  }
}

function checkUuid(uuid: string): void {
  if (!uuidValidator.is(uuid)) throw new InvalidSpec("/uuid", "must be a lower-case UUID");
}

function describeInvalid(validator: Validator<unknown>, value: unknown): string {
  try {
    validator.assert(value);
    return "unknown problem";
  } catch (err) {
    return (err as Error).message;
  }
}
