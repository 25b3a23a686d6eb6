import { fromPrimitive, toPrimitive } from "../objects/base.js";
import { type HostReport, HostReportObject } from "../objects/host-report.js";
import { type Instance, InstanceObject } from "../objects/instance.js";
import type { ActionView } from "../objects/instance-action.js";
import { type ResourceProvider, ResourceProviderObject } from "../objects/resource-provider.js";
import { RPC_APIS } from "../rpc/api-versions.js";
import { RpcClient } from "../rpc/client.js";
import type { RequestContext } from "../rpc/message.js";
import type { VersionPins } from "../rpc/pins.js";
import type { Transport } from "../rpc/transport.js";
import type { InstanceAction } from "../state/instance-states.js";
import type {
  ClaimResult,
  CreateInstanceRequest,
  PowerObservation,
  ReconcileReport,
  RegistrationResult,
  ServiceRegistration,
} from "./types.js";

// The conductor's client: the only way the other roles reach the database.
// Nova's conductor/rpcapi.py is the split this copies: callers import this
// file, never the manager.

const V = "1.0";

/** @public */
export class ConductorRpcClient {
  readonly #rpc: RpcClient;

  constructor(
    transport: Transport,
    pins: VersionPins,
    options: { version?: string; timeoutMs?: number } = {},
  ) {
    this.#rpc = new RpcClient(transport, {
      topic: "conductor",
      version: options.version ?? RPC_APIS.conductor.current,
      pins,
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    });
  }

  async buildInstance(ctx: RequestContext, request: CreateInstanceRequest): Promise<Instance> {
    const p = await this.#rpc.call<unknown>(ctx, "build_instances", { request }, { version: V });
    return fromPrimitive(InstanceObject, p);
  }

  async startAction(ctx: RequestContext, uuid: string, action: InstanceAction): Promise<Instance> {
    const p = await this.#rpc.call<unknown>(ctx, "start_action", { uuid, action }, { version: V });
    return fromPrimitive(InstanceObject, p);
  }

  async getInstance(ctx: RequestContext, uuid: string): Promise<Instance> {
    return fromPrimitive(
      InstanceObject,
      await this.#rpc.call<unknown>(ctx, "get_instance", { uuid }, { version: V }),
    );
  }

  /** The caller's project's instances, oldest first: at most `limit` (1,000), after `marker`. */
  async listInstances(
    ctx: RequestContext,
    page: { limit?: number; marker?: string } = {},
  ): Promise<Instance[]> {
    const list = await this.#rpc.call<unknown[]>(ctx, "list_instances", { page }, { version: V });
    return list.map((p) => fromPrimitive(InstanceObject, p));
  }

  listActions(ctx: RequestContext, uuid: string): Promise<ActionView[]> {
    return this.#rpc.call(ctx, "list_actions", { uuid }, { version: V });
  }

  registerService(
    ctx: RequestContext,
    service: ServiceRegistration,
    report?: HostReport,
  ): Promise<RegistrationResult> {
    const args = { service, report: report ? toPrimitive(HostReportObject, report) : null };
    return this.#rpc.call(ctx, "register_service", args, { version: V });
  }

  async serviceStopped(ctx: RequestContext, host: string, binary: string): Promise<void> {
    await this.#rpc.call(ctx, "service_stopped", { host, binary }, { version: V });
  }

  async heartbeat(ctx: RequestContext, host: string, binary: string): Promise<RegistrationResult> {
    return this.#rpc.call(ctx, "heartbeat", { host, binary }, { version: V });
  }

  async reportHost(ctx: RequestContext, report: HostReport): Promise<void> {
    await this.#rpc.call(
      ctx,
      "report_host",
      { report: toPrimitive(HostReportObject, report) },
      { version: V },
    );
  }

  /** Lifecycle events: a cast, the agent does not wait for the records to be written. */
  powerStates(
    ctx: RequestContext,
    host: string,
    observations: readonly PowerObservation[],
  ): Promise<void> {
    return this.#rpc.cast(ctx, "power_states", { host, observations }, { version: V });
  }

  /** The periodic sync: a call, so a slow conductor slows the sync instead of queueing it. */
  async syncPowerStates(
    ctx: RequestContext,
    host: string,
    observations: readonly PowerObservation[],
  ): Promise<void> {
    await this.#rpc.call(ctx, "power_states", { host, observations }, { version: V });
  }

  async hostInstances(ctx: RequestContext, host: string): Promise<Instance[]> {
    const list = await this.#rpc.call<unknown[]>(ctx, "host_instances", { host }, { version: V });
    return list.map((p) => fromPrimitive(InstanceObject, p));
  }

  async reportReconcile(ctx: RequestContext, report: ReconcileReport): Promise<void> {
    await this.#rpc.call(ctx, "report_reconcile", { report }, { version: V });
  }

  /** Every provider, a page at a time (in order of id), so no reply outgrows a transport's message limit. */
  async allProviders(ctx: RequestContext, pageSize = 500): Promise<ResourceProvider[]> {
    const all: ResourceProvider[] = [];
    for (let afterId = 0; ; ) {
      const list = await this.#rpc.call<unknown[]>(
        ctx,
        "providers",
        { ids: null, page: { afterId, limit: pageSize } },
        { version: V },
      );
      const page = list.map((p) => fromPrimitive(ResourceProviderObject, p));
      all.push(...page);
      const last = page[page.length - 1];
      if (page.length < pageSize || !last) return all;
      afterId = last.id;
    }
  }

  async providers(ctx: RequestContext, ids?: readonly number[]): Promise<ResourceProvider[]> {
    const list = await this.#rpc.call<unknown[]>(
      ctx,
      "providers",
      { ids: ids ?? null },
      { version: V },
    );
    return list.map((p) => fromPrimitive(ResourceProviderObject, p));
  }

  claim(
    ctx: RequestContext,
    claim: {
      instanceUuid: string;
      providerId: number;
      generation: number;
      resources: Record<string, number>;
    },
  ): Promise<ClaimResult> {
    return this.#rpc.call(ctx, "claim", { claim }, { version: V });
  }
}
