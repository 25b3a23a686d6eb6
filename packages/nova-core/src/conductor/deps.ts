import type { DriverLogger } from "@novakit/driver-api";
import type { ComputeRpcClient } from "../compute/rpcapi.js";
import type { EngineKind } from "../db/engine.js";
import { casTransition, type Db, type ExtraChanges, getInstance } from "../db/repos/instances.js";
import type { InstanceRow } from "../db/schema.js";
import type { QuotaLimits } from "../quota/quota.js";
import type { VersionPins } from "../rpc/pins.js";
import type { SchedulerRpcClient } from "../scheduler/rpcapi.js";
import { allows, type TaskState, type Transition, type VmState } from "../state/instance-states.js";
import type { Catalog } from "./catalog.js";
import type { Notifier } from "./notifier.js";
import type { ReconcileReport } from "./types.js";

/** The conductor's settings. @public */
export interface ConductorConfig {
  /** Attempts to place and spawn one instance before it goes to ERROR (default 3). */
  readonly maxBuildAttempts: number;
  readonly quotaDefaults: QuotaLimits;
  /** A service not heard from for this long is down (default 60 s). */
  readonly serviceDownAfterMs: number;
  /**
   * A build untouched for this long is stuck (its conductor died mid-way):
   * the stuck-build task puts it in ERROR with a fault, keeping its host and
   * claim so a delete removes whatever reached the hypervisor. Nova's
   * instance_build_timeout; default 30 minutes, 0 off.
   */
  readonly buildTimeoutMs?: number;
}

/** What the conductor's flows share. */
export interface ConductorDeps {
  readonly db: Db;
  readonly kind: EngineKind;
  readonly catalog: Catalog;
  readonly compute: ComputeRpcClient;
  readonly scheduler: SchedulerRpcClient;
  readonly pins: VersionPins;
  readonly notifier: Notifier;
  readonly config: ConductorConfig;
  readonly logger: DriverLogger;
  /** The newest start-up comparison of each compute host. */
  readonly reconcileReports: Map<string, ReconcileReport>;
  /** Runs a flow in the background; the conductor waits for it on stop. */
  track(work: Promise<unknown>): void;
}

/**
 * Applies `transition` to the instance's current record, re-reading when
 * only its version moved (a power-state report landed in between) and
 * giving up when the states no longer allow it. Resolves with the new
 * record, or undefined when another writer took it elsewhere.
 */
export async function transitionCurrent(
  db: Db,
  uuid: string,
  transition: Transition,
  extra: (row: InstanceRow) => ExtraChanges = () => ({}),
): Promise<InstanceRow | undefined> {
  for (let attempt = 0; attempt < 16; attempt++) {
    const row = await getInstance(db, uuid);
    if (!row || row.deleted === 1) return undefined;
    if (!allows(transition, row.vm_state as VmState, row.task_state as TaskState | null))
      return undefined;
    const next = await casTransition(db, row, transition, extra(row));
    if (next) return next;
  }
  return undefined;
}

/** Power columns to write with a transition, when the observation is newer than the record's. */
export function powerIfNewer(
  row: InstanceRow,
  observed: { powerState: string; stamp: number } | undefined,
): ExtraChanges {
  if (!observed || observed.stamp <= row.power_stamp) return {};
  return { power_state: observed.powerState, power_stamp: observed.stamp };
}
