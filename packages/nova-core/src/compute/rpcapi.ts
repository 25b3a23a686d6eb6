import type { ObservedPower } from "../errors.js";
import { toPrimitive } from "../objects/base.js";
import { type Instance, InstanceObject } from "../objects/instance.js";
import { RPC_APIS } from "../rpc/api-versions.js";
import { RpcClient } from "../rpc/client.js";
import type { RequestContext } from "../rpc/message.js";
import type { VersionPins } from "../rpc/pins.js";
import type { Transport } from "../rpc/transport.js";
import type { ActionRule } from "../state/instance-states.js";

// The compute API's client, used by the conductor. Each method decides the
// version it sends from the cluster's pin: while any compute agent of the
// previous release runs, spawn goes out as 1.0 without `attempt`, and the
// Instance is backported to the version the oldest agent reads.

/** What a compute agent answers to an operation that changed power state. @public */
export interface ComputeResult extends ObservedPower {
  /** The action event the agent recorded, for the instance's action list. */
  readonly event: {
    readonly name: string;
    readonly startTime: number;
    readonly details: Record<string, unknown>;
  };
}

/** @public */
export class ComputeRpcClient {
  readonly #rpc: RpcClient;
  readonly #pins: VersionPins;

  constructor(
    transport: Transport,
    pins: VersionPins,
    options: { version?: string; timeoutMs?: number } = {},
  ) {
    this.#pins = pins;
    this.#rpc = new RpcClient(transport, {
      topic: "compute",
      version: options.version ?? RPC_APIS.compute.current,
      pins,
      // A spawn may legitimately take as long as the driver's own deadline.
      timeoutMs: options.timeoutMs ?? 660_000,
    });
  }

  /** The version spawn goes out at now; tests read it to watch the pin. */
  get spawnVersion(): string {
    return this.#rpc.canSend("1.1") ? "1.1" : "1.0";
  }

  spawn(ctx: RequestContext, instance: Instance, attempt: number): Promise<ComputeResult> {
    const version = this.spawnVersion;
    const args: Record<string, unknown> = { instance: this.#instance(instance) };
    if (version === "1.1") args.attempt = attempt;
    return this.#rpc.call(ctx, "spawn_instance", args, {
      version,
      target: { server: this.#host(instance) },
    });
  }

  terminate(ctx: RequestContext, instance: Instance): Promise<ComputeResult> {
    return this.#rpc.call(
      ctx,
      "terminate_instance",
      { instance: this.#instance(instance) },
      {
        version: "1.0",
        target: { server: this.#host(instance) },
      },
    );
  }

  powerAction(
    ctx: RequestContext,
    instance: Instance,
    op: ActionRule["driverOp"],
  ): Promise<ComputeResult> {
    return this.#rpc.call(
      ctx,
      "power_action",
      { instance: this.#instance(instance), op },
      {
        version: "1.0",
        target: { server: this.#host(instance) },
      },
    );
  }

  #instance(instance: Instance) {
    return toPrimitive(InstanceObject, instance, this.#pins.objectVersion("Instance"));
  }

  #host(instance: Instance): string {
    if (instance.host === null) throw new Error(`instance ${instance.uuid} has no host`);
    return instance.host;
  }
}
