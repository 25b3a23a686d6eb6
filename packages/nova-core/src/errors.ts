// Every error nova-core raises, one class per stable code. Callers (and the
// REST layer to come) branch on `code`, never on the message. Errors cross
// the RPC boundary as JSON and are rebuilt here from their code, so a
// conflict raised by the conductor is the same class in the service layer.

/** The stable codes. @public */
export const NovaErrorCode = {
  InvalidInput: "NOVA_ERR_INVALID_INPUT",
  NotFound: "NOVA_ERR_NOT_FOUND",
  InstanceConflict: "NOVA_ERR_INSTANCE_CONFLICT",
  QuotaExceeded: "NOVA_ERR_QUOTA_EXCEEDED",
  NoValidHost: "NOVA_ERR_NO_VALID_HOST",
  ClaimConflict: "NOVA_ERR_CLAIM_CONFLICT",
  RpcVersion: "NOVA_ERR_RPC_VERSION",
  ObjectVersion: "NOVA_ERR_OBJECT_VERSION",
  RpcTimeout: "NOVA_ERR_RPC_TIMEOUT",
  RpcNoServer: "NOVA_ERR_RPC_NO_SERVER",
  RpcUnknownMethod: "NOVA_ERR_RPC_UNKNOWN_METHOD",
  ComputeFailure: "NOVA_ERR_COMPUTE_FAILURE",
  DatabaseUnavailable: "NOVA_ERR_DATABASE_UNAVAILABLE",
  TransportUnavailable: "NOVA_ERR_TRANSPORT_UNAVAILABLE",
  Internal: "NOVA_ERR_INTERNAL",
} as const;

/** @public */
export type NovaErrorCode = (typeof NovaErrorCode)[keyof typeof NovaErrorCode];

/** What an error looks like on the wire. @public */
export interface NovaErrorJSON {
  readonly code: string;
  readonly message: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

/** The base of every nova-core error. @public */
export class NovaError extends Error {
  readonly code: NovaErrorCode;
  /** Structured details; what a caller reads instead of the message. */
  readonly fields: Readonly<Record<string, unknown>>;

  constructor(
    code: NovaErrorCode,
    message: string,
    fields: Readonly<Record<string, unknown>> = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.fields = fields;
  }

  toJSON(): NovaErrorJSON {
    return { code: this.code, message: this.message, fields: this.fields };
  }
}

/** A request field is malformed, hostile or missing. Nothing was created. @public */
export class InvalidInput extends NovaError {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(NovaErrorCode.InvalidInput, `invalid ${field}: ${reason}`, { field, reason });
  }
}

/** A referenced record does not exist (`kind`: instance, flavor, image, ...). @public */
export class NotFound extends NovaError {
  constructor(
    readonly kind: string,
    readonly id: string,
    readonly field?: string | undefined,
  ) {
    super(NovaErrorCode.NotFound, `${kind} ${JSON.stringify(id)} not found`, {
      kind,
      id,
      ...(field === undefined ? {} : { field }),
    });
  }
}

/**
 * An action the instance's current state forbids, or one that lost a race
 * to another action. Names the state it found, so the caller knows why.
 *
 * @public
 */
export class InstanceConflict extends NovaError {
  constructor(
    readonly uuid: string,
    readonly action: string,
    readonly vmState: string,
    readonly taskState: string | null,
  ) {
    super(
      NovaErrorCode.InstanceConflict,
      `cannot ${action} instance ${uuid} while it is vm_state=${vmState}, task_state=${taskState ?? "none"}`,
      { uuid, action, vmState, taskState },
    );
  }
}

/** A create would exceed a project's limit. @public */
export class QuotaExceeded extends NovaError {
  constructor(
    readonly projectId: string,
    readonly resource: string,
    readonly limit: number,
    readonly used: number,
    readonly requested: number,
  ) {
    super(
      NovaErrorCode.QuotaExceeded,
      `quota exceeded for ${resource} in project ${projectId}: limit ${limit}, used ${used}, requested ${requested}`,
      { projectId, resource, limit, used, requested },
    );
  }
}

/** No host passed every filter; `summary` says which filter refused how many. @public */
export class NoValidHost extends NovaError {
  constructor(
    readonly summary: string,
    readonly refusals: Readonly<Record<string, number>> = {},
  ) {
    super(NovaErrorCode.NoValidHost, `no valid host: ${summary}`, { summary, refusals });
  }
}

/** A claim raced another one on the same provider and must be retried on fresh data. @public */
export class ClaimConflict extends NovaError {
  constructor(
    readonly providerId: number,
    readonly reason: string,
  ) {
    super(NovaErrorCode.ClaimConflict, `claim on provider ${providerId} failed: ${reason}`, {
      providerId,
      reason,
    });
  }
}

/** A message's version is newer than the server's, or of another major. @public */
export class RpcVersionUnsupported extends NovaError {
  constructor(topic: string, method: string, requested: string, supported: string) {
    super(
      NovaErrorCode.RpcVersion,
      `${topic}.${method} at version ${requested} is not supported by this server (it speaks ${supported})`,
      { topic, method, requested, supported },
    );
  }
}

/** An object arrived at a version this reader does not know. @public */
export class ObjectVersionUnsupported extends NovaError {
  constructor(objectName: string, version: string, known: string) {
    super(
      NovaErrorCode.ObjectVersion,
      `object ${objectName} ${version} is newer than this service knows (${known}); the sender must backport it`,
      { objectName, version, known },
    );
  }
}

/** @public */
export class RpcTimeout extends NovaError {
  constructor(target: string, method: string, timeoutMs: number) {
    super(NovaErrorCode.RpcTimeout, `${target}.${method} got no reply within ${timeoutMs} ms`, {
      target,
      method,
      timeoutMs,
    });
  }
}

/** Nobody listens on the target (a compute host that is down, say). @public */
export class RpcNoServer extends NovaError {
  constructor(target: string) {
    super(NovaErrorCode.RpcNoServer, `no server listens on ${target}`, { target });
  }
}

/** @public */
export class RpcUnknownMethod extends NovaError {
  constructor(topic: string, method: string) {
    super(NovaErrorCode.RpcUnknownMethod, `${topic} has no method ${method}`, { topic, method });
  }
}

/** A power state a compute agent read back, with its observation stamp. @public */
export interface ObservedPower {
  readonly powerState: string;
  readonly stamp: number;
}

/**
 * The driver on a compute host failed an operation; `driverCode` is the
 * contract's code. `observed` is the power state the agent read back after
 * the failure, when it could, so the conductor can bring the record in line.
 *
 * @public
 */
export class ComputeFailure extends NovaError {
  constructor(
    readonly host: string,
    readonly operation: string,
    readonly driverCode: string,
    readonly detail: string,
    readonly observed?: ObservedPower | undefined,
  ) {
    super(NovaErrorCode.ComputeFailure, `${operation} failed on ${host}: ${detail}`, {
      host,
      operation,
      driverCode,
      detail,
      ...(observed === undefined ? {} : { observed }),
    });
  }
}

/** The database cannot be opened or reached; `hint` says how to start it. @public */
export class DatabaseUnavailable extends NovaError {
  constructor(engine: string, detail: string, hint: string) {
    super(NovaErrorCode.DatabaseUnavailable, `${engine} database unavailable: ${detail}. ${hint}`, {
      engine,
      detail,
      hint,
    });
  }
}

/** The message transport cannot be reached; `hint` says how to start it. @public */
export class TransportUnavailable extends NovaError {
  constructor(transport: string, detail: string, hint: string) {
    super(
      NovaErrorCode.TransportUnavailable,
      `${transport} transport unavailable: ${detail}. ${hint}`,
      { transport, detail, hint },
    );
  }
}

/** A bug or an unexpected failure; the cause is kept. @public */
export class InternalError extends NovaError {
  constructor(message: string, options?: ErrorOptions) {
    super(NovaErrorCode.Internal, message, {}, options);
  }
}

/** True for any nova-core error. @public */
export function isNovaError(value: unknown): value is NovaError {
  return value instanceof NovaError;
}

/** Rebuilds an error sent over RPC; the class follows the code, the fields are kept. @public */
export function novaErrorFromJSON(json: NovaErrorJSON): NovaError {
  // The fields are what the sender's constructor put there; read them back as such.
  const f = json.fields;
  const str = (k: string) => String(f[k] ?? "");
  const num = (k: string) => Number(f[k] ?? 0);
  const strOrNull = (k: string) => (f[k] === null || f[k] === undefined ? null : String(f[k]));
  switch (json.code) {
    case NovaErrorCode.InvalidInput:
      return new InvalidInput(str("field"), str("reason"));
    case NovaErrorCode.NotFound:
      return new NotFound(str("kind"), str("id"), strOrNull("field") ?? undefined);
    case NovaErrorCode.InstanceConflict:
      return new InstanceConflict(
        str("uuid"),
        str("action"),
        str("vmState"),
        strOrNull("taskState"),
      );
    case NovaErrorCode.QuotaExceeded:
      return new QuotaExceeded(
        str("projectId"),
        str("resource"),
        num("limit"),
        num("used"),
        num("requested"),
      );
    case NovaErrorCode.NoValidHost:
      return new NoValidHost(str("summary"), (f.refusals ?? {}) as Record<string, number>);
    case NovaErrorCode.ClaimConflict:
      return new ClaimConflict(num("providerId"), str("reason"));
    case NovaErrorCode.RpcVersion:
      return new RpcVersionUnsupported(
        str("topic"),
        str("method"),
        str("requested"),
        str("supported"),
      );
    case NovaErrorCode.ObjectVersion:
      return new ObjectVersionUnsupported(str("objectName"), str("version"), str("known"));
    case NovaErrorCode.RpcTimeout:
      return new RpcTimeout(str("target"), str("method"), num("timeoutMs"));
    case NovaErrorCode.RpcNoServer:
      return new RpcNoServer(str("target"));
    case NovaErrorCode.RpcUnknownMethod:
      return new RpcUnknownMethod(str("topic"), str("method"));
    case NovaErrorCode.ComputeFailure:
      return new ComputeFailure(
        str("host"),
        str("operation"),
        str("driverCode"),
        str("detail"),
        f.observed as ObservedPower | undefined,
      );
    default:
      // The remaining codes carry no behaviour a caller branches on beyond
      // the code itself; keep the code, message and fields as they came.
      return new NovaError(json.code as NovaErrorCode, json.message, json.fields);
  }
}
