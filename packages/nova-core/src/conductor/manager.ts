import type { DriverLogger } from "@novakit/driver-api";
import { ComputeRpcClient } from "../compute/rpcapi.js";
import type { DbEngine } from "../db/engine.js";
import { listActions } from "../db/repos/actions.js";
import { getServerGroup, groupHosts } from "../db/repos/catalog.js";
import { getInstance, listInstances } from "../db/repos/instances.js";
import { readProviders, upsertProvider } from "../db/repos/placement.js";
import { heartbeat, registerService, stopService } from "../db/repos/services.js";
import { ClaimConflict } from "../errors.js";
import { fromPrimitive, toPrimitive } from "../objects/base.js";
import { HostReportObject } from "../objects/host-report.js";
import { InstanceObject } from "../objects/instance.js";
import { CURRENT_OBJECT_VERSIONS } from "../objects/registry.js";
import { ResourceProviderObject } from "../objects/resource-provider.js";
import { RPC_APIS } from "../rpc/api-versions.js";
import type { RequestContext } from "../rpc/message.js";
import type { VersionPins } from "../rpc/pins.js";
import { type RpcMethod, RpcServer } from "../rpc/server.js";
import type { Transport } from "../rpc/transport.js";
import { SchedulerRpcClient } from "../scheduler/rpcapi.js";
import type { InstanceAction } from "../state/instance-states.js";
import { acceptAction, readOwned } from "./actions.js";
import { announceProviders, createInstance } from "./build.js";
import { Catalog } from "./catalog.js";
import { ClaimBatcher } from "./claim-batcher.js";
import type { ConductorConfig, ConductorDeps } from "./deps.js";
import { Notifier } from "./notifier.js";
import { applyObservations, applyReconcile } from "./power.js";
import { forgetUpHosts, recomputePins, upComputeHosts } from "./services.js";
import { failStuckBuilds } from "./stuck-builds.js";
import type {
  ClaimResult,
  CreateInstanceRequest,
  PowerObservation,
  ReconcileReport,
  ServiceRegistration,
} from "./types.js";

const BINARY = "nova-conductor";
/** The most instances one list reply carries (Nova's max_limit). */
const MAX_PAGE = 1000;

/**
 * The conductor: the only role that opens the database. Every state change
 * of every record goes through one of its RPC methods; the service layer,
 * the schedulers and the compute agents reach it only through its client.
 *
 * @public
 */
export class Conductor {
  readonly host: string;
  readonly #deps: ConductorDeps;
  readonly #server: RpcServer;
  readonly #inflight = new Set<Promise<unknown>>();
  readonly #providerNames = new Map<number, string>();
  readonly #claims: ClaimBatcher;

  constructor(
    engine: DbEngine,
    transport: Transport,
    pins: VersionPins,
    config: ConductorConfig,
    logger: DriverLogger,
    host = "conductor",
  ) {
    this.host = host;
    this.#deps = {
      db: engine.db,
      kind: engine.kind,
      catalog: new Catalog(engine.db),
      compute: new ComputeRpcClient(transport, pins),
      scheduler: new SchedulerRpcClient(transport, pins),
      pins,
      notifier: new Notifier(transport),
      config,
      logger,
      reconcileReports: new Map(),
      track: (work) => this.#track(work),
    };
    // Every committed claim is told to every scheduler, so each one's view
    // follows the others' claims instead of discovering them by conflict.
    this.#claims = new ClaimBatcher(this.#deps, (deltas) => {
      void this.#deps.scheduler.providersClaimed(systemContext(), deltas).catch(() => {});
    });
    this.#server = new RpcServer(transport, {
      topic: "conductor",
      server: host,
      version: RPC_APIS.conductor.current,
      methods: this.#methods(),
      onInternalError: (method, error) =>
        logger.error("conductor method failed", { method, error: String(error) }),
    });
  }

  /** The compute client the conductor sends with; tests read its spawn version to watch the pin. */
  get computeClient(): ComputeRpcClient {
    return this.#deps.compute;
  }

  /** How the claims were batched: batches written and claims in them. */
  get claimStats(): { readonly batches: number; readonly claims: number } {
    return this.#claims.stats;
  }

  /** The newest reconcile report of each compute host. */
  reconcileReports(): ReadonlyMap<string, ReconcileReport> {
    return this.#deps.reconcileReports;
  }

  async start(): Promise<void> {
    await registerService(this.#deps.db, {
      host: this.host,
      binary: BINARY,
      topic: "conductor",
      rpcVersion: RPC_APIS.conductor.current,
      objectVersions: CURRENT_OBJECT_VERSIONS,
    });
    await recomputePins(this.#deps);
    await this.#server.start();
  }

  /** Stops taking messages, then waits for the flows already running. */
  async stop(): Promise<void> {
    await this.#server.stop();
    await this.drain();
    await stopService(this.#deps.db, this.host, BINARY);
  }

  /** Resolves once no build or action flow is running. */
  async drain(): Promise<void> {
    while (this.#inflight.size > 0) await Promise.allSettled([...this.#inflight]);
  }

  /** Puts builds stuck for longer than the build timeout in ERROR (a periodic task calls it). */
  failStuckBuilds(): Promise<number> {
    const timeout = this.#deps.config.buildTimeoutMs ?? 1_800_000;
    return timeout > 0 ? failStuckBuilds(this.#deps, timeout) : Promise.resolve(0);
  }

  /** Recomputes the pins now (a periodic task calls it to notice services that died silently). */
  refreshPins(): Promise<void> {
    return recomputePins(this.#deps);
  }

  #track(work: Promise<unknown>): void {
    const p = work.catch((err: unknown) =>
      this.#deps.logger.error("conductor flow failed", { error: String(err) }),
    );
    this.#inflight.add(p);
    void p.finally(() => this.#inflight.delete(p));
  }

  #methods(): Record<string, RpcMethod> {
    const d = this.#deps;
    const m = (handle: RpcMethod["handle"]): RpcMethod => ({ since: "1.0", handle });
    // Replies to the service layer and the schedulers go out at this
    // release's versions: conductors upgrade first and those roles next, so
    // they are never older. Replies to a compute agent, which may be a
    // release behind, are backported to the cluster's pin.
    const instanceOut = (i: object) => toPrimitive(InstanceObject, i as never);
    const instanceForCompute = (i: object) =>
      toPrimitive(InstanceObject, i as never, d.pins.objectVersion("Instance"));
    return {
      build_instances: m(async (ctx, a) =>
        instanceOut(
          await createInstance(d, ctx, a.request as CreateInstanceRequest, () => this.#zones()),
        ),
      ),
      start_action: m(async (ctx, a) =>
        instanceOut(await acceptAction(d, ctx, String(a.uuid), a.action as InstanceAction)),
      ),
      get_instance: m(async (ctx, a) =>
        instanceOut(await d.catalog.toInstance(await readOwned(d, ctx, String(a.uuid)))),
      ),
      list_instances: m(async (ctx, a) => {
        // The caller's own project only, a page at a time (Nova's limit and
        // marker): a whole project in one reply could pass NATS's 1 MB.
        const page = (a.page ?? {}) as { limit?: number; marker?: string };
        const limit = Math.min(MAX_PAGE, Math.max(1, page.limit ?? MAX_PAGE));
        let afterId: number | undefined;
        if (page.marker !== undefined) afterId = (await readOwned(d, ctx, page.marker)).id;
        const rows = await listInstances(d.db, {
          projectId: ctx.projectId,
          limit,
          ...(afterId === undefined ? {} : { afterId }),
        });
        return Promise.all(rows.map(async (r) => instanceOut(await d.catalog.toInstance(r))));
      }),
      list_actions: m(async (ctx, a) => {
        await readOwned(d, ctx, String(a.uuid));
        return listActions(d.db, String(a.uuid));
      }),
      register_service: m((ctx, a) =>
        this.#register(ctx, a.service as ServiceRegistration, a.report),
      ),
      service_stopped: m(async (ctx, a) => {
        await stopService(d.db, String(a.host), String(a.binary));
        forgetUpHosts(d);
        await recomputePins(d);
        await this.#announceHost(ctx, String(a.host));
        return null;
      }),
      heartbeat: m(async (_ctx, a) => {
        await heartbeat(d.db, String(a.host), String(a.binary));
        return { pins: d.pins.snapshot };
      }),
      report_host: m(async (ctx, a) => {
        await this.#upsertHost(ctx, a.report);
        return null;
      }),
      power_states: m(async (_ctx, a) => {
        await applyObservations(d, String(a.host), a.observations as PowerObservation[]);
        return null;
      }),
      host_instances: m(async (_ctx, a) => {
        const rows = await listInstances(d.db, { host: String(a.host) });
        return Promise.all(
          rows.map(async (r) => instanceForCompute(await d.catalog.toInstance(r))),
        );
      }),
      report_reconcile: m(async (_ctx, a) => {
        await applyReconcile(d, a.report as ReconcileReport);
        return null;
      }),
      providers: m(async (_ctx, a) => {
        let ids = Array.isArray(a.ids) ? (a.ids as number[]) : undefined;
        if (ids === undefined && a.page) {
          // One page of the providers, by id: a cloud of 10,000 hosts in one
          // reply would pass NATS's 1 MB message limit.
          const page = a.page as { afterId: number; limit: number };
          const rows = await d.db
            .selectFrom("resource_providers")
            .select("id")
            .where("id", ">", page.afterId)
            .orderBy("id")
            .limit(Math.min(1000, Math.max(1, page.limit)))
            .execute();
          ids = rows.map((r) => r.id);
        }
        const providers = await readProviders(d.db, await upComputeHosts(d), ids);
        return providers.map((p) => toPrimitive(ResourceProviderObject, p));
      }),
      claim: m((ctx, a) => this.#claim(ctx, a.claim as ClaimArgs)),
    };
  }

  async #register(ctx: RequestContext, service: ServiceRegistration, report: unknown) {
    await registerService(this.#deps.db, service);
    forgetUpHosts(this.#deps);
    if (report !== null && report !== undefined) await this.#upsertHost(ctx, report);
    await recomputePins(this.#deps);
    return { pins: this.#deps.pins.snapshot };
  }

  async #upsertHost(ctx: RequestContext, primitive: unknown): Promise<void> {
    const report = fromPrimitive(HostReportObject, primitive);
    const id = await upsertProvider(this.#deps.db, {
      name: report.host,
      availabilityZone: report.availabilityZone,
      hypervisorType: report.hypervisorType,
      traits: report.traits,
      inventories: report.inventories,
    });
    this.#providerNames.set(id, report.host);
    await announceProviders(this.#deps, ctx, [id]);
  }

  async #announceHost(ctx: RequestContext, host: string): Promise<void> {
    const row = await this.#deps.db
      .selectFrom("resource_providers")
      .select("id")
      .where("name", "=", host)
      .executeTakeFirst();
    if (row) await announceProviders(this.#deps, ctx, [row.id]);
  }

  async #zones(): Promise<ReadonlySet<string>> {
    const rows = await this.#deps.db
      .selectFrom("resource_providers")
      .select("availability_zone")
      .distinct()
      .execute();
    return new Set(rows.map((r) => r.availability_zone));
  }

  async #providerName(id: number): Promise<string> {
    const hit = this.#providerNames.get(id);
    if (hit !== undefined) return hit;
    const row = await this.#deps.db
      .selectFrom("resource_providers")
      .select("name")
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    this.#providerNames.set(id, row.name);
    return row.name;
  }

  /**
   * One claim, in one transaction: the instance must still be waiting for a
   * host, the server group's policy must still hold on this host, and the
   * provider's generation must not have moved. Any of these failing writes
   * nothing; a generation or capacity conflict answers with the provider as
   * it is now, so the scheduler retries on fresh data.
   */
  async #claim(_ctx: RequestContext, claim: ClaimArgs): Promise<ClaimResult> {
    const d = this.#deps;
    const host = await this.#providerName(claim.providerId);
    try {
      const generation = await this.#claims.submit({
        ...claim,
        host,
        checkGroup: (trx, groupId, uuid) => checkGroup(trx, groupId, uuid, host, claim.providerId),
      });
      return { claimed: true, generation };
    } catch (err) {
      if (!(err instanceof ClaimConflict)) throw err;
      const [fresh] = await readProviders(d.db, await upComputeHosts(d), [claim.providerId]);
      const row = await getInstance(d.db, claim.instanceUuid);
      if (err.reason.includes("affinity") && row?.server_group_id) {
        const hosts = await groupHosts(d.db, row.server_group_id, row.uuid);
        return {
          claimed: false,
          reason: err.reason,
          provider: fresh ? toPrimitive(ResourceProviderObject, fresh) : null,
          groupHosts: hosts,
        };
      }
      return {
        claimed: false,
        reason: err.reason,
        provider: fresh ? toPrimitive(ResourceProviderObject, fresh) : null,
      };
    }
  }
}

function systemContext(): RequestContext {
  return { requestId: "req-conductor", projectId: "system", userId: "nova-conductor" };
}

interface ClaimArgs {
  instanceUuid: string;
  providerId: number;
  generation: number;
  resources: Record<string, number>;
}

/** The late check of a server group's policy, under the claim's transaction. */
async function checkGroup(
  trx: ConductorDeps["db"],
  groupId: string,
  uuid: string,
  host: string,
  providerId: number,
): Promise<void> {
  const group = await getServerGroup(trx, groupId);
  if (!group) return;
  const hosts = await groupHosts(trx, groupId, uuid);
  if (group.policy === "anti-affinity" && hosts.includes(host)) {
    throw new ClaimConflict(providerId, "anti-affinity: a member of the group is on this host");
  }
  if (group.policy === "affinity" && hosts.length > 0 && !hosts.includes(host)) {
    throw new ClaimConflict(providerId, "affinity: the group is on another host");
  }
}
