import { finishAction, recordEvent, startAction } from "../db/repos/actions.js";
import { casTransition, getInstance, markDeleted, recordFault } from "../db/repos/instances.js";
import { releaseInTransaction } from "../db/repos/placement.js";
import type { InstanceRow } from "../db/schema.js";
import {
  ComputeFailure,
  InstanceConflict,
  InvalidInput,
  isNovaError,
  NotFound,
  NovaErrorCode,
} from "../errors.js";
import type { Instance } from "../objects/instance.js";
import type { RequestContext } from "../rpc/message.js";
import {
  ACTION_RULES,
  acceptTransition,
  allows,
  finishTransition,
  INSTANCE_ACTIONS,
  type InstanceAction,
  type TaskState,
  type VmState,
} from "../state/instance-states.js";
import { announceProviders } from "./build.js";
import { type ConductorDeps, powerIfNewer, transitionCurrent } from "./deps.js";
import { alignVmState } from "./power.js";

// User actions: accepted by one compare-and-swap on the expected task_state
// and version (of concurrent conflicting requests exactly one wins, the rest
// get InstanceConflict naming the state they found), then carried out by the
// instance's compute agent, then finished by another compare-and-swap.

const ACCEPT_TRIES = 8;

/** Reads an instance of the caller's project; others' instances do not exist for it. */
export async function readOwned(
  deps: ConductorDeps,
  ctx: RequestContext,
  uuid: string,
): Promise<InstanceRow> {
  const row = await getInstance(deps.db, uuid);
  if (!row || row.deleted === 1 || row.project_id !== ctx.projectId)
    throw new NotFound("instance", uuid, "uuid");
  return row;
}

/** Accepts `action` on the instance, or throws InstanceConflict naming the state that forbids it. */
export async function acceptAction(
  deps: ConductorDeps,
  ctx: RequestContext,
  uuid: string,
  action: InstanceAction,
): Promise<Instance> {
  if (!INSTANCE_ACTIONS.includes(action))
    throw new InvalidInput("action", `unknown action ${JSON.stringify(action)}`);
  const transition = acceptTransition(action);
  let row = await readOwned(deps, ctx, uuid);
  for (let i = 0; i < ACCEPT_TRIES; i++) {
    if (!allows(transition, row.vm_state as VmState, row.task_state as TaskState | null)) break;
    const read = row;
    const next = await deps.db.transaction().execute(async (trx) => {
      const n = await casTransition(trx, read, transition, { pending_request_id: ctx.requestId });
      if (n)
        await startAction(trx, {
          uuid,
          action,
          requestId: ctx.requestId,
          projectId: ctx.projectId,
          userId: ctx.userId,
        });
      return n;
    });
    if (next) {
      deps.notifier.instance(next);
      deps.track(runAction(deps, ctx, next, action));
      return deps.catalog.toInstance(next);
    }
    // Lost the swap: re-read, and decide again on what is there now.
    row = await readOwned(deps, ctx, uuid);
  }
  throw new InstanceConflict(uuid, action, row.vm_state, row.task_state);
}

async function runAction(
  deps: ConductorDeps,
  ctx: RequestContext,
  row: InstanceRow,
  action: InstanceAction,
): Promise<void> {
  if (action === "delete") return runDelete(deps, ctx, row);
  const rule = ACTION_RULES[action];
  const instance = await deps.catalog.toInstance(row);
  try {
    const result = await deps.compute.powerAction(ctx, instance, rule.driverOp);
    const next = await deps.db.transaction().execute(async (trx) => {
      const n = await transitionCurrent(trx, row.uuid, finishTransition(action, true), (r) => ({
        ...powerIfNewer(r, result),
        pending_request_id: null,
      }));
      await recordEvent(trx, {
        uuid: row.uuid,
        requestId: ctx.requestId,
        event: result.event.name,
        host: row.host,
        startTime: result.event.startTime,
        result: "Success",
        details: result.event.details,
      });
      await finishAction(trx, row.uuid, ctx.requestId, "Success");
      return n;
    });
    if (next) deps.notifier.instance(next);
  } catch (err) {
    await failAction(deps, ctx, row, action, err);
  }
}

/** The driver refused or failed: the task ends, the vm_state is kept, the fault recorded, the record aligned with what the agent read back. */
async function failAction(
  deps: ConductorDeps,
  ctx: RequestContext,
  row: InstanceRow,
  action: InstanceAction,
  err: unknown,
): Promise<void> {
  const observed = err instanceof ComputeFailure ? err.observed : undefined;
  const message = isNovaError(err) ? err.message : String(err);
  const code = isNovaError(err) ? err.code : NovaErrorCode.Internal;
  const next = await deps.db.transaction().execute(async (trx) => {
    const n = await transitionCurrent(trx, row.uuid, finishTransition(action, false), (r) => ({
      ...powerIfNewer(r, observed),
      pending_request_id: null,
    }));
    await recordFault(trx, row.uuid, {
      code,
      message,
      details: isNovaError(err) ? err.fields : {},
      host: row.host,
    });
    await recordEvent(trx, {
      uuid: row.uuid,
      requestId: ctx.requestId,
      event: `compute_${action}`,
      host: row.host,
      startTime: Date.now(),
      result: "Error",
      details: { code },
    });
    await finishAction(trx, row.uuid, ctx.requestId, "Error", message);
    return n;
  });
  if (next) deps.notifier.instance(await alignVmState(deps, next));
}

async function runDelete(
  deps: ConductorDeps,
  ctx: RequestContext,
  row: InstanceRow,
): Promise<void> {
  if (row.host !== null) {
    try {
      await deps.compute.terminate(ctx, await deps.catalog.toInstance(row));
    } catch (err) {
      // A host that is gone cannot be asked: delete the record locally, as
      // Nova does; the agent's start-up reconcile reports the stray domain.
      if (!(isNovaError(err) && err.code === NovaErrorCode.RpcNoServer)) {
        await failAction(deps, ctx, row, "delete", err);
        return;
      }
    }
  }
  const { released, deleted } = await deps.db.transaction().execute(async (trx) => {
    const ids = await releaseInTransaction(trx, row.uuid);
    let done: InstanceRow | undefined;
    for (let i = 0; i < 16 && !done; i++) {
      const cur = await getInstance(trx, row.uuid);
      if (cur?.task_state !== "deleting") break;
      if (await markDeleted(trx, cur)) done = await getInstance(trx, row.uuid);
    }
    await finishAction(trx, row.uuid, ctx.requestId, done ? "Success" : "Error");
    return { released: ids, deleted: done };
  });
  if (deleted) deps.notifier.instance(deleted);
  await announceProviders(deps, ctx, released);
}
