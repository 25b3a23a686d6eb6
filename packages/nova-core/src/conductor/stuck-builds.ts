import { finishAction } from "../db/repos/actions.js";
import { casTransition, getInstance, recordFault } from "../db/repos/instances.js";
import {
  allows,
  BUILD_TRANSITIONS,
  type TaskState,
  type VmState,
} from "../state/instance-states.js";
import type { ConductorDeps } from "./deps.js";

/**
 * Puts builds that nobody has advanced for `timeoutMs` in ERROR: a build
 * lives in its conductor's memory, and a conductor that died mid-way leaves
 * it in building for ever. Each is a compare-and-swap on the version read,
 * so a build that moves on meanwhile wins, and the task is safe to run
 * twice at once, or in several conductors. The host and the claim stay, so
 * a delete removes whatever reached the hypervisor. Resolves with the
 * number put in ERROR.
 */
export async function failStuckBuilds(
  deps: ConductorDeps,
  timeoutMs: number,
  now = Date.now(),
): Promise<number> {
  const stuck = await deps.db
    .selectFrom("instances")
    .select("uuid")
    .where("vm_state", "=", "building")
    .where("deleted", "=", 0)
    .where("updated_at", "<", now - timeoutMs)
    .execute();
  let failed = 0;
  for (const { uuid } of stuck) {
    const moved = await deps.db.transaction().execute(async (trx) => {
      const row = await getInstance(trx, uuid);
      if (!row || row.updated_at >= now - timeoutMs) return undefined;
      if (
        !allows(
          BUILD_TRANSITIONS.failed,
          row.vm_state as VmState,
          row.task_state as TaskState | null,
        )
      )
        return undefined;
      const next = await casTransition(trx, row, BUILD_TRANSITIONS.failed, {
        pending_request_id: null,
      });
      if (!next) return undefined;
      await recordFault(trx, uuid, {
        code: "NOVA_BUILD_TIMEOUT",
        message: `the build made no progress for ${Math.round(timeoutMs / 1000)} s`,
        host: row.host,
      });
      if (row.pending_request_id)
        await finishAction(trx, uuid, row.pending_request_id, "Error", "build timed out");
      return next;
    });
    if (moved) {
      failed += 1;
      deps.notifier.instance(moved);
    }
  }
  return failed;
}
