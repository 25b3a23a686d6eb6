import type { Kysely, Updateable } from "kysely";
import {
  BUILD_TRANSITIONS,
  type PowerState,
  type TaskState,
  type Transition,
  type VmState,
} from "../../state/instance-states.js";
import { prepare } from "../prepared.js";
import type { Database, InstanceRow, InstancesTable } from "../schema.js";

// Instance records. Every state write is a compare-and-swap: it names the
// version it read and the task_state it expects, and changes nothing when
// either moved. The caller re-reads and decides again.

export type Db = Kysely<Database>;

export interface NewInstance {
  uuid: string;
  displayName: string;
  description: string | null;
  projectId: string;
  userId: string;
  flavorId: string;
  imageId: string;
  vcpus: number;
  memoryMb: number;
  rootGb: number;
  availabilityZone: string | null;
  serverGroupId: string | null;
  metadata: Record<string, string>;
  requestId: string;
}

export async function insertInstance(db: Db, i: NewInstance, now: number): Promise<InstanceRow> {
  return db
    .insertInto("instances")
    .values({
      uuid: i.uuid,
      display_name: i.displayName,
      description: i.description,
      project_id: i.projectId,
      user_id: i.userId,
      flavor_id: i.flavorId,
      image_id: i.imageId,
      vcpus: i.vcpus,
      memory_mb: i.memoryMb,
      root_gb: i.rootGb,
      vm_state: "building",
      task_state: "scheduling",
      power_state: "nostate",
      power_stamp: 0,
      host: null,
      availability_zone: i.availabilityZone,
      server_group_id: i.serverGroupId,
      metadata: JSON.stringify(i.metadata),
      pending_request_id: i.requestId,
      needs_reconcile: 0,
      launched_at: null,
      created_at: now,
      updated_at: now,
      deleted_at: null,
      deleted: 0,
      version: 1,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function getInstance(db: Db, uuid: string): Promise<InstanceRow | undefined> {
  return db.selectFrom("instances").selectAll().where("uuid", "=", uuid).executeTakeFirst();
}

export interface InstanceFilter {
  projectId?: string;
  host?: string;
  includeDeleted?: boolean;
  limit?: number;
  /** Only instances created after this one (the previous page's last): Nova's marker. */
  afterId?: number;
}

export function listInstances(db: Db, filter: InstanceFilter = {}): Promise<InstanceRow[]> {
  let q = db.selectFrom("instances").selectAll();
  if (filter.projectId !== undefined) q = q.where("project_id", "=", filter.projectId);
  if (filter.host !== undefined) q = q.where("host", "=", filter.host);
  if (!filter.includeDeleted) q = q.where("deleted", "=", 0);
  if (filter.afterId !== undefined) q = q.where("id", ">", filter.afterId);
  q = q.orderBy("id");
  if (filter.limit !== undefined) q = q.limit(filter.limit);
  return q.execute();
}

/** The extra columns a transition writes besides its states. */
export type ExtraChanges = Omit<
  Updateable<InstancesTable>,
  "uuid" | "id" | "vm_state" | "task_state" | "version" | "updated_at"
>;

/**
 * Applies `transition` to the row read as `read`, if nobody changed it since.
 * Resolves with the new row, or undefined when the swap lost.
 */
export async function casTransition(
  db: Db,
  read: InstanceRow,
  transition: Transition,
  extra: ExtraChanges = {},
  now = Date.now(),
): Promise<InstanceRow | undefined> {
  let q = db
    .updateTable("instances")
    .set({
      ...extra,
      ...(transition.toVm === undefined ? {} : { vm_state: transition.toVm }),
      task_state: transition.toTask,
      version: read.version + 1,
      updated_at: now,
    })
    .where("uuid", "=", read.uuid)
    .where("version", "=", read.version);
  q =
    read.task_state === null
      ? q.where("task_state", "is", null)
      : q.where("task_state", "=", read.task_state);
  return q.returningAll().executeTakeFirst();
}

/**
 * The scheduler's claim of a host for an instance still waiting for one
 * (vm_state building, task_state scheduling), as one prepared statement.
 * Resolves with its uuid and server group, or undefined.
 */
export async function claimHostFor(
  db: Db,
  uuid: string,
  host: string,
  now = Date.now(),
): Promise<Pick<InstanceRow, "uuid" | "server_group_id"> | undefined> {
  const { rows } = await claimHost.execute(db, uuid, host, now);
  return rows[0];
}

const claimHost = prepare(3, (db, uuid: string, host: string, now: number) =>
  db
    .updateTable("instances")
    .set((eb) => ({
      host,
      task_state: BUILD_TRANSITIONS.claimed.toTask,
      version: eb("version", "+", 1),
      updated_at: now,
    }))
    .where("uuid", "=", uuid)
    .where("deleted", "=", 0)
    .where("vm_state", "in", [...BUILD_TRANSITIONS.claimed.fromVm])
    .where("task_state", "in", [...BUILD_TRANSITIONS.claimed.fromTask])
    .returning(["uuid", "server_group_id"]),
);

/**
 * Records a power state observed at `stamp`, unless a newer observation is
 * already recorded: a late event never overwrites fresher news.
 */
export async function recordPowerState(
  db: Db,
  uuid: string,
  host: string,
  power: PowerState,
  stamp: number,
  now = Date.now(),
): Promise<InstanceRow | undefined> {
  return (
    db
      .updateTable("instances")
      .set((eb) => ({
        power_state: power,
        power_stamp: stamp,
        version: eb("version", "+", 1),
        updated_at: now,
      }))
      .where("uuid", "=", uuid)
      // News from a host the instance is not on (it moved, or was rescheduled) is not news about it.
      .where("host", "=", host)
      .where("deleted", "=", 0)
      .where("power_stamp", "<", stamp)
      .returningAll()
      .executeTakeFirst()
  );
}

/** Marks the row deleted: the last write of a delete, guarded like every other. */
export async function markDeleted(db: Db, read: InstanceRow, now = Date.now()): Promise<boolean> {
  const done = await db
    .updateTable("instances")
    .set({
      vm_state: "deleted" satisfies VmState,
      task_state: null,
      deleted: 1,
      deleted_at: now,
      updated_at: now,
      version: read.version + 1,
    })
    .where("uuid", "=", read.uuid)
    .where("version", "=", read.version)
    .where("task_state", "=", "deleting" satisfies TaskState)
    .executeTakeFirst();
  return Number(done.numUpdatedRows) === 1;
}

/** Removes a create that quota or the claim refused: it never existed for the user. */
export async function purgeInstance(db: Db, uuid: string): Promise<void> {
  await db.deleteFrom("instances").where("uuid", "=", uuid).execute();
}

export async function recordFault(
  db: Db,
  uuid: string,
  fault: { code: string; message: string; details?: unknown; host?: string | null },
  now = Date.now(),
): Promise<void> {
  await db
    .insertInto("instance_faults")
    .values({
      instance_uuid: uuid,
      code: fault.code,
      message: fault.message,
      details: JSON.stringify(fault.details ?? {}),
      host: fault.host ?? null,
      created_at: now,
    })
    .execute();
}

export function listFaults(db: Db, uuid: string) {
  return db
    .selectFrom("instance_faults")
    .selectAll()
    .where("instance_uuid", "=", uuid)
    .orderBy("id")
    .execute();
}
