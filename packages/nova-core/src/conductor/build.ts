import { randomUUID } from "node:crypto";
import { ErrorCode } from "@novakit/driver-api";
import { finishAction, recordEvent, startAction } from "../db/repos/actions.js";
import { getServerGroup, groupHosts } from "../db/repos/catalog.js";
import { getInstance, insertInstance, recordFault } from "../db/repos/instances.js";
import { readProviders, releaseInTransaction } from "../db/repos/placement.js";
import { lockProject } from "../db/repos/quotas.js";
import { InstanceConflict, InvalidInput, isNovaError, NotFound, NovaErrorCode } from "../errors.js";
import type { Instance } from "../objects/instance.js";
import type { RequestSpec } from "../objects/request-spec.js";
import { checkQuota } from "../quota/quota.js";
import type { RequestContext } from "../rpc/message.js";
import { BUILD_TRANSITIONS } from "../state/instance-states.js";
import { type ConductorDeps, powerIfNewer, transitionCurrent } from "./deps.js";
import { buildRequestSpec } from "./request-spec.js";
import { upComputeHosts } from "./services.js";
import type { CreateInstanceRequest } from "./types.js";

// The build: record the instance under the project's quota, then place it,
// re-check the quota with the claim held, and spawn it, rescheduling on
// another host when the spawn fails there, up to maxBuildAttempts.

/**
 * Records a new instance (vm_state building, task_state scheduling) and
 * starts its build in the background. Refuses, creating nothing, when the
 * flavor, image or server group is unknown or the quota would be exceeded.
 */
export async function createInstance(
  deps: ConductorDeps,
  ctx: RequestContext,
  req: CreateInstanceRequest,
  knownZones: () => Promise<ReadonlySet<string>>,
): Promise<Instance> {
  const flavor = await deps.catalog.flavor(req.flavorId);
  if (!flavor) throw new NotFound("flavor", req.flavorId, "flavorId");
  const image = await deps.catalog.image(req.imageId);
  if (!image) throw new NotFound("image", req.imageId, "imageId");
  let group: { id: string; policy: "affinity" | "anti-affinity" } | null = null;
  if (req.serverGroupId !== null) {
    const g = await getServerGroup(deps.db, req.serverGroupId);
    if (!g || g.project_id !== ctx.projectId)
      throw new NotFound("server group", req.serverGroupId, "serverGroupId");
    group = { id: g.id, policy: g.policy as "affinity" | "anti-affinity" };
  }
  if (req.availabilityZone !== null && !(await knownZones()).has(req.availabilityZone)) {
    throw new InvalidInput(
      "availabilityZone",
      `no host is in availability zone ${JSON.stringify(req.availabilityZone)}`,
    );
  }
  const uuid = randomUUID();
  const insert = () =>
    deps.db.transaction().execute(async (trx) => {
      await lockProject(trx, ctx.projectId);
      await checkQuota(
        trx,
        ctx.projectId,
        { instances: 1, cores: flavor.vcpus, ram: flavor.memory_mb },
        deps.config.quotaDefaults,
      );
      const row = await insertInstance(
        trx,
        {
          uuid,
          displayName: req.name,
          description: req.description,
          projectId: ctx.projectId,
          userId: ctx.userId,
          flavorId: flavor.id,
          imageId: image.id,
          vcpus: flavor.vcpus,
          memoryMb: flavor.memory_mb,
          rootGb: flavor.root_gb,
          availabilityZone: req.availabilityZone,
          serverGroupId: group?.id ?? null,
          metadata: req.metadata,
          requestId: ctx.requestId,
        },
        Date.now(),
      );
      await startAction(trx, {
        uuid,
        action: "create",
        requestId: ctx.requestId,
        projectId: ctx.projectId,
        userId: ctx.userId,
      });
      return row;
    });
  let row: Awaited<ReturnType<typeof insert>>;
  try {
    row = await insert();
  } catch (err) {
    // Two first creates of a project on PostgreSQL race to insert its lock
    // row; the loser retries once, when the row exists and the update locks it.
    if (isNovaError(err)) throw err;
    row = await insert();
  }
  deps.notifier.instance(row);
  const spec = buildRequestSpec(row, flavor, group);
  deps.track(build(deps, ctx, spec));
  return deps.catalog.toInstance(row);
}

async function build(deps: ConductorDeps, ctx: RequestContext, spec: RequestSpec): Promise<void> {
  const uuid = spec.instanceUuid;
  for (let attempt = 1; ; attempt++) {
    spec.attempt = attempt;
    if (spec.group) spec.group.hosts = await groupHosts(deps.db, spec.group.id, uuid);
    let host: string;
    try {
      host = (await deps.scheduler.selectDestination(ctx, spec)).host;
    } catch (err) {
      // Deleted while it was being placed: the delete finished the record.
      if (err instanceof InstanceConflict) return;
      await fail(deps, ctx, uuid, err, null);
      return;
    }
    const quotaLost = await recheckQuota(deps, ctx);
    if (quotaLost) {
      await fail(deps, ctx, uuid, quotaLost, host);
      return;
    }
    const row = await getInstance(deps.db, uuid);
    if (row?.task_state !== "spawning") return; // a delete took it over
    const instance = await deps.catalog.toInstance(row);
    try {
      const result = await deps.compute.spawn(ctx, instance, attempt);
      const done = await deps.db.transaction().execute(async (trx) => {
        const next = await transitionCurrent(trx, uuid, BUILD_TRANSITIONS.spawned, (r) => ({
          ...powerIfNewer(r, result),
          launched_at: Date.now(),
          pending_request_id: null,
        }));
        await recordEvent(trx, {
          uuid,
          requestId: ctx.requestId,
          event: result.event.name,
          host,
          startTime: result.event.startTime,
          result: "Success",
          details: result.event.details,
        });
        if (next) await finishAction(trx, uuid, ctx.requestId, "Success");
        return next;
      });
      if (done) deps.notifier.instance(done);
      return;
    } catch (err) {
      // No answer at all: the spawn may still complete on that host. Keep
      // the host and its claim so a delete finds and removes the domain.
      if (isNovaError(err) && err.code === NovaErrorCode.RpcTimeout) {
        await failKeepingHost(deps, ctx, uuid, err);
        return;
      }
      const retry = attempt < deps.config.maxBuildAttempts && retriable(err);
      const next = await releaseAfterFailure(deps, ctx, uuid, host, err, retry);
      if (!retry || !next) return;
      spec.ignoreHosts.push(host);
    }
  }
}

/** Spawn failures worth another host: the driver failed, or the host is gone. Bad requests fail everywhere. */
function retriable(err: unknown): boolean {
  if (!isNovaError(err)) return false;
  if (err.code === NovaErrorCode.RpcNoServer) return true;
  if (err.code !== NovaErrorCode.ComputeFailure) return false;
  return err.fields.driverCode !== ErrorCode.InvalidSpec;
}

async function recheckQuota(deps: ConductorDeps, ctx: RequestContext): Promise<unknown> {
  try {
    await deps.db.transaction().execute(async (trx) => {
      await lockProject(trx, ctx.projectId);
      await checkQuota(
        trx,
        ctx.projectId,
        { instances: 0, cores: 0, ram: 0 },
        deps.config.quotaDefaults,
      );
    });
    return undefined;
  } catch (err) {
    if (isNovaError(err) && err.code === NovaErrorCode.QuotaExceeded) return err;
    throw err;
  }
}

/** Releases the claim of a failed spawn; either back to scheduling (retry) or to ERROR. */
async function releaseAfterFailure(
  deps: ConductorDeps,
  ctx: RequestContext,
  uuid: string,
  host: string,
  err: unknown,
  retry: boolean,
) {
  const fault = faultOf(err);
  const next = await deps.db.transaction().execute(async (trx) => {
    await releaseInTransaction(trx, uuid);
    await recordFault(trx, uuid, { ...fault, host });
    await recordEvent(trx, {
      uuid,
      requestId: ctx.requestId,
      event: "compute_spawn_instance",
      host,
      startTime: Date.now(),
      result: "Error",
      details: fault,
    });
    const moved = retry
      ? await transitionCurrent(trx, uuid, BUILD_TRANSITIONS.reschedule, () => ({ host: null }))
      : await transitionCurrent(trx, uuid, BUILD_TRANSITIONS.failed, () => ({
          pending_request_id: null,
          host: null,
        }));
    if (moved && !retry) await finishAction(trx, uuid, ctx.requestId, "Error", fault.message);
    return moved;
  });
  await announceProvider(deps, ctx, host);
  if (next) deps.notifier.instance(next);
  return next;
}

async function failKeepingHost(
  deps: ConductorDeps,
  ctx: RequestContext,
  uuid: string,
  err: unknown,
): Promise<void> {
  const fault = faultOf(err);
  const next = await deps.db.transaction().execute(async (trx) => {
    await recordFault(trx, uuid, fault);
    const moved = await transitionCurrent(trx, uuid, BUILD_TRANSITIONS.failed, () => ({
      pending_request_id: null,
    }));
    if (moved) await finishAction(trx, uuid, ctx.requestId, "Error", fault.message);
    return moved;
  });
  if (next) deps.notifier.instance(next);
}

/** The build gives up: allocations released, ERROR with the fault recorded. */
async function fail(
  deps: ConductorDeps,
  ctx: RequestContext,
  uuid: string,
  err: unknown,
  host: string | null,
): Promise<void> {
  const fault = faultOf(err);
  const next = await deps.db.transaction().execute(async (trx) => {
    await releaseInTransaction(trx, uuid);
    await recordFault(trx, uuid, { ...fault, host });
    const moved = await transitionCurrent(trx, uuid, BUILD_TRANSITIONS.failed, () => ({
      pending_request_id: null,
      host: null,
    }));
    if (moved) await finishAction(trx, uuid, ctx.requestId, "Error", fault.message);
    return moved;
  });
  if (host !== null) await announceProvider(deps, ctx, host);
  if (next) deps.notifier.instance(next);
}

function faultOf(err: unknown): { code: string; message: string; details: unknown } {
  if (isNovaError(err)) return { code: err.code, message: err.message, details: err.fields };
  return {
    code: NovaErrorCode.Internal,
    message: (err as Error)?.message ?? String(err),
    details: {},
  };
}

/** Tells the schedulers the provider of `host` changed, so their views pick up the release. */
export async function announceProvider(
  deps: ConductorDeps,
  ctx: RequestContext,
  host: string,
): Promise<void> {
  const row = await deps.db
    .selectFrom("resource_providers")
    .select("id")
    .where("name", "=", host)
    .executeTakeFirst();
  if (!row) return;
  await announceProviders(deps, ctx, [row.id]);
}

export async function announceProviders(
  deps: ConductorDeps,
  ctx: RequestContext,
  ids: readonly number[],
): Promise<void> {
  if (ids.length === 0) return;
  const providers = await readProviders(deps.db, await upComputeHosts(deps), ids);
  await deps.scheduler.providersChanged(ctx, providers);
}
