import type { PowerState } from "./schemas/common.js";

/**
 * Every stable error code of the contract. Callers branch on `err.code`, never
 * on the message; messages may be reworded in any release, codes only in a
 * major one.
 *
 * @public
 */
export const ErrorCode = {
  InstanceNotFound: "NOVAKIT_INSTANCE_NOT_FOUND",
  InstanceExists: "NOVAKIT_INSTANCE_EXISTS",
  InvalidState: "NOVAKIT_INVALID_STATE",
  Unsupported: "NOVAKIT_UNSUPPORTED",
  InvalidSpec: "NOVAKIT_INVALID_SPEC",
  HypervisorUnavailable: "NOVAKIT_HYPERVISOR_UNAVAILABLE",
  Timeout: "NOVAKIT_TIMEOUT",
  DriverInternal: "NOVAKIT_DRIVER_INTERNAL",
  /** @since 1.1.0 */
  Cancelled: "NOVAKIT_CANCELLED",
  /** @since 1.1.0 */
  SnapshotNotFound: "NOVAKIT_SNAPSHOT_NOT_FOUND",
  /** @since 1.1.0 */
  ResourceExhausted: "NOVAKIT_RESOURCE_EXHAUSTED",
  /** @since 1.1.0 */
  ImageUnusable: "NOVAKIT_IMAGE_UNUSABLE",
  DriverLoad: "NOVAKIT_ERR_DRIVER_LOAD",
  ManifestInvalid: "NOVAKIT_ERR_MANIFEST",
  ContractRange: "NOVAKIT_ERR_CONTRACT_RANGE",
  EntryPoint: "NOVAKIT_ERR_ENTRY_POINT",
  ConfigInvalid: "NOVAKIT_ERR_CONFIG",
} as const;

/** @public */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * The plain-data form of a {@link DriverError}, as it crosses a process or RPC
 * boundary. {@link errorFromJSON} turns it back into the matching class.
 *
 * @public
 */
export interface DriverErrorJSON {
  readonly code: ErrorCode;
  readonly message: string;
  readonly retryable: boolean;
  readonly details: Readonly<Record<string, unknown>>;
}

/**
 * The base of every error the contract defines.
 *
 * @public
 */
export abstract class DriverError extends Error {
  /** The stable code to branch on. */
  abstract readonly code: ErrorCode;
  /** True when the same call may succeed if tried again later, unchanged. */
  readonly retryable: boolean = false;

  /** Structured fields of this error, the same ones {@link DriverError.toJSON} carries. */
  abstract get details(): Readonly<Record<string, unknown>>;

  toJSON(): DriverErrorJSON {
    return {
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      details: this.details,
    };
  }
}

/**
 * No instance with this UUID exists on the hypervisor.
 *
 * @public
 */
export class InstanceNotFound extends DriverError {
  readonly code = ErrorCode.InstanceNotFound;
  override readonly name = "InstanceNotFound";
  constructor(readonly uuid: string) {
    super(`instance ${uuid} does not exist on this hypervisor`);
  }
  get details() {
    return { uuid: this.uuid };
  }
}

/**
 * An instance with this UUID already exists; spawn never replaces one.
 *
 * @public
 */
export class InstanceExists extends DriverError {
  readonly code = ErrorCode.InstanceExists;
  override readonly name = "InstanceExists";
  constructor(readonly uuid: string) {
    super(`instance ${uuid} already exists; destroy it first or choose another UUID`);
  }
  get details() {
    return { uuid: this.uuid };
  }
}

/**
 * The operation is not allowed from the instance's current power state.
 * See the transition table in the contract guide.
 *
 * @public
 */
export class InvalidState extends DriverError {
  readonly code = ErrorCode.InvalidState;
  override readonly name = "InvalidState";
  constructor(
    readonly uuid: string,
    readonly operation: string,
    readonly currentState: PowerState,
  ) {
    super(`cannot ${operation} instance ${uuid} while it is ${currentState}`);
  }
  get details() {
    return { uuid: this.uuid, operation: this.operation, currentState: this.currentState };
  }
}

/**
 * The driver does not declare the capability this operation needs.
 *
 * @public
 */
export class Unsupported extends DriverError {
  readonly code = ErrorCode.Unsupported;
  override readonly name = "Unsupported";
  constructor(
    readonly operation: string,
    readonly capability: string,
  ) {
    super(`${operation} needs capability "${capability}", which this driver does not declare`);
  }
  get details() {
    return { operation: this.operation, capability: this.capability };
  }
}

/**
 * A request failed validation. `path` is the JSON Pointer of the bad field
 * (for example `/flavor/memoryMiB`); the empty string means the whole value.
 *
 * @public
 */
export class InvalidSpec extends DriverError {
  readonly code = ErrorCode.InvalidSpec;
  override readonly name = "InvalidSpec";
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`invalid request at ${path === "" ? "(root)" : path}: ${reason}`);
  }
  get details() {
    return { path: this.path, reason: this.reason };
  }
}

/**
 * The hypervisor could not be reached or did not answer. Retryable.
 *
 * @public
 */
export class HypervisorUnavailable extends DriverError {
  readonly code = ErrorCode.HypervisorUnavailable;
  override readonly name = "HypervisorUnavailable";
  override readonly retryable = true;
  constructor(
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`hypervisor unavailable: ${reason}`, options);
  }
  get details() {
    return { reason: this.reason };
  }
}

/**
 * The operation did not finish within its deadline. The instance may be in
 * any state the operation passes through; read it back before acting again.
 *
 * @public
 */
export class Timeout extends DriverError {
  readonly code = ErrorCode.Timeout;
  override readonly name = "Timeout";
  override readonly retryable = true;
  constructor(
    readonly operation: string,
    readonly timeoutMs: number,
  ) {
    super(`${operation} did not finish within ${timeoutMs} ms`);
  }
  get details() {
    return { operation: this.operation, timeoutMs: this.timeoutMs };
  }
}

/**
 * The driver failed in a way the contract does not otherwise name. A bug in
 * the driver or the hypervisor; `cause` carries the original error.
 *
 * @public
 */
export class DriverInternal extends DriverError {
  readonly code = ErrorCode.DriverInternal;
  override readonly name = "DriverInternal";
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
  get details() {
    return {};
  }
}

/**
 * The caller aborted the call through its signal before it finished. The
 * operation may have been partly carried out; read the instance back before
 * acting again (as after a Timeout). `cause` is the signal's reason.
 *
 * @public
 * @since 1.1.0
 */
export class Cancelled extends DriverError {
  readonly code = ErrorCode.Cancelled;
  override readonly name = "Cancelled";
  constructor(
    readonly operation: string,
    options?: ErrorOptions,
  ) {
    super(`${operation} was cancelled by its caller`, options);
  }
  get details() {
    return { operation: this.operation };
  }
}

/**
 * The instance exists but has no snapshot with this id.
 *
 * @public
 * @since 1.1.0
 */
export class SnapshotNotFound extends DriverError {
  readonly code = ErrorCode.SnapshotNotFound;
  override readonly name = "SnapshotNotFound";
  constructor(
    readonly uuid: string,
    readonly snapshotId: string,
  ) {
    super(`instance ${uuid} has no snapshot ${snapshotId}`);
  }
  get details() {
    return { uuid: this.uuid, snapshotId: this.snapshotId };
  }
}

/**
 * The host ran out of something the operation needs: room in its storage
 * pool, a free device name, memory for another guest. The request was valid
 * and may succeed on another host, or here once something is freed: the
 * core reschedules rather than retrying here at once.
 *
 * @public
 * @since 1.1.0
 */
export class ResourceExhausted extends DriverError {
  readonly code = ErrorCode.ResourceExhausted;
  override readonly name = "ResourceExhausted";
  constructor(
    /** What ran out, in a word: "disk", "device-names", "memory", ... */
    readonly resource: string,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`out of ${resource}: ${reason}`, options);
  }
  get details() {
    return { resource: this.resource, reason: this.reason };
  }
}

/**
 * The image the request names was found but cannot be used: a format the
 * driver does not take, a file that points at other host files, a corrupt
 * header. The request is well formed; the image is not.
 *
 * @public
 * @since 1.1.0
 */
export class ImageUnusable extends DriverError {
  readonly code = ErrorCode.ImageUnusable;
  override readonly name = "ImageUnusable";
  constructor(
    readonly imageId: string,
    readonly reason: string,
  ) {
    super(`image ${imageId} cannot be used: ${reason}`);
  }
  get details() {
    return { imageId: this.imageId, reason: this.reason };
  }
}

/**
 * A driver could not be loaded. `code` says which check refused it; `found`
 * and `expected` say what the loader saw and what it needed. `path` is a
 * JSON Pointer into the document `file` names (the package's package.json
 * when `file` is absent; "" is the whole document).
 *
 * @public
 */
export class DriverLoadError extends DriverError {
  override readonly name = "DriverLoadError";
  constructor(
    readonly code:
      | typeof ErrorCode.DriverLoad
      | typeof ErrorCode.ManifestInvalid
      | typeof ErrorCode.ContractRange
      | typeof ErrorCode.EntryPoint
      | typeof ErrorCode.ConfigInvalid,
    readonly specifier: string,
    message: string,
    readonly fields: {
      readonly path?: string;
      /** @since 1.1.0 */
      readonly file?: string;
      readonly found?: string;
      readonly expected?: string;
    } = {},
    options?: ErrorOptions,
  ) {
    super(`${code}: ${message}`, options);
  }
  get details() {
    return { specifier: this.specifier, ...this.fields };
  }
}

/**
 * True when `err` carries a contract error code, and, if `code` is given,
 * that code. Works across duplicate copies of this package, where
 * `instanceof` would not.
 *
 * @public
 */
export function isDriverError<C extends ErrorCode>(
  err: unknown,
  code?: C,
): err is DriverError & { readonly code: C } {
  if (typeof err !== "object" || err === null) return false;
  const found = (err as { code?: unknown }).code;
  if (typeof found !== "string" || !KNOWN_CODES.has(found)) return false;
  return code === undefined || found === code;
}

const KNOWN_CODES: ReadonlySet<string> = new Set(Object.values(ErrorCode));

/**
 * Rebuilds a contract error from its JSON form (see {@link DriverError.toJSON}).
 * An unknown code becomes {@link DriverInternal}, so a newer peer's errors
 * still surface.
 *
 * @public
 */
export function errorFromJSON(json: DriverErrorJSON): DriverError {
  const text = (key: string): string => String(json.details[key] ?? "");
  switch (json.code) {
    case ErrorCode.InstanceNotFound:
      return new InstanceNotFound(text("uuid"));
    case ErrorCode.InstanceExists:
      return new InstanceExists(text("uuid"));
    case ErrorCode.InvalidState:
      return new InvalidState(text("uuid"), text("operation"), text("currentState") as PowerState);
    case ErrorCode.Unsupported:
      return new Unsupported(text("operation"), text("capability"));
    case ErrorCode.InvalidSpec:
      return new InvalidSpec(text("path"), text("reason"));
    case ErrorCode.HypervisorUnavailable:
      return new HypervisorUnavailable(text("reason"));
    case ErrorCode.Timeout:
      return new Timeout(text("operation"), Number(json.details.timeoutMs));
    case ErrorCode.Cancelled:
      return new Cancelled(text("operation"));
    case ErrorCode.SnapshotNotFound:
      return new SnapshotNotFound(text("uuid"), text("snapshotId"));
    case ErrorCode.ResourceExhausted:
      return new ResourceExhausted(text("resource"), text("reason"));
    case ErrorCode.ImageUnusable:
      return new ImageUnusable(text("imageId"), text("reason"));
    case ErrorCode.DriverLoad:
    case ErrorCode.ManifestInvalid:
    case ErrorCode.ContractRange:
    case ErrorCode.EntryPoint:
    case ErrorCode.ConfigInvalid: {
      const { specifier, ...fields } = json.details as Record<string, string>;
      const message = json.message.replace(`${json.code}: `, "");
      return new DriverLoadError(json.code, specifier ?? "", message, fields);
    }
    default:
      return new DriverInternal(json.message);
  }
}
