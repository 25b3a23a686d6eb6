import {
  casTransition,
  getInstance,
  recordFault,
  recordPowerState,
} from "../db/repos/instances.js";
import type { InstanceRow } from "../db/schema.js";
import {
  type PowerState,
  powerStateFromDriver,
  VM_STATE_FOR_POWER,
  type VmState,
} from "../state/instance-states.js";
import type { ConductorDeps } from "./deps.js";
import { transitionCurrent } from "./deps.js";
import type { PowerObservation, ReconcileReport } from "./types.js";

// The hypervisor is the truth about power; the records follow it. Each
// observation carries the stamp the agent gave it when it saw it, and a
// record only takes an observation newer than the one it holds, so an event
// that arrives late never undoes fresher news.

/**
 * With no task in flight, brings vm_state in line with the power state
 * (a guest that shut itself down is stopped; one that crashed is in error).
 * Safe to run twice at once: it is a compare-and-swap.
 */
export async function alignVmState(deps: ConductorDeps, row: InstanceRow): Promise<InstanceRow> {
  if (row.task_state !== null || row.deleted === 1 || row.vm_state === "building") return row;
  const target = VM_STATE_FOR_POWER[row.power_state as PowerState];
  if (target === null || target === row.vm_state) return row;
  const next = await casTransition(deps.db, row, {
    fromVm: [row.vm_state as VmState],
    fromTask: [null],
    toVm: target,
    toTask: null,
  });
  return next ?? row;
}

/** Records what a compute agent observed, from its events or its periodic sync. */
export async function applyObservations(
  deps: ConductorDeps,
  host: string,
  observations: readonly PowerObservation[],
): Promise<void> {
  for (const o of observations) {
    // The agent speaks the contract's states; the records keep Nova's.
    const power = POWER_NAMES.has(o.powerState)
      ? (o.powerState as PowerState)
      : powerStateFromDriver(o.powerState as never);
    let row = await recordPowerState(deps.db, o.uuid, host, power, o.stamp);
    if (!row) continue;
    if ((o.needsReconcile ?? false) !== (row.needs_reconcile === 1)) {
      const flagged = await casTransition(
        deps.db,
        row,
        {
          fromVm: [row.vm_state as VmState],
          fromTask: [row.task_state as never],
          toTask: row.task_state as never,
        },
        { needs_reconcile: o.needsReconcile ? 1 : 0 },
      );
      row = flagged ?? row;
    }
    deps.notifier.instance(await alignVmState(deps, row));
  }
}

const POWER_NAMES = new Set<string>([
  "nostate",
  "running",
  "paused",
  "shutdown",
  "crashed",
  "suspended",
]);

/** Records a compute agent's start-up comparison and applies the policy for missing instances. */
export async function applyReconcile(deps: ConductorDeps, report: ReconcileReport): Promise<void> {
  deps.reconcileReports.set(report.host, report);
  if (report.unknown.length > 0 || report.missing.length > 0) {
    deps.logger.warn("compute host differs from the records", {
      host: report.host,
      unknown: report.unknown,
      missing: report.missing,
    });
  }
  for (const uuid of report.missing) {
    const row = await getInstance(deps.db, uuid);
    if (!row || row.deleted === 1) continue;
    await recordFault(deps.db, uuid, {
      code: "NOVA_RECONCILE_MISSING",
      message: `instance is not on its host ${report.host}'s hypervisor`,
      host: report.host,
    });
    if (report.policy.missing !== "error") continue;
    const next = await transitionCurrent(
      deps.db,
      uuid,
      {
        fromVm: ["active", "stopped", "paused", "suspended", "error"],
        fromTask: [null],
        toVm: "error",
        toTask: null,
      },
      () => ({ power_state: "nostate", power_stamp: Date.now() * 1000 }),
    );
    if (next) deps.notifier.instance(next);
  }
  deps.notifier.publish({
    type: "compute.reconcile",
    host: report.host,
    unknown: report.unknown,
    missing: report.missing,
    found: report.found,
  });
}
