import type { ObjectVersions } from "../../objects/registry.js";
import type { Db } from "./instances.js";

// Service records: who runs, where, speaking which versions. The cluster's
// version pins are computed from the running ones.

export interface ServiceInput {
  host: string;
  binary: string;
  topic: string;
  rpcVersion: string;
  objectVersions: ObjectVersions;
}

export async function registerService(db: Db, s: ServiceInput, now = Date.now()): Promise<void> {
  const updated = await db
    .updateTable("services")
    .set({
      topic: s.topic,
      rpc_version: s.rpcVersion,
      object_versions: JSON.stringify(s.objectVersions),
      running: 1,
      last_seen_at: now,
    })
    .where("host", "=", s.host)
    .where("binary", "=", s.binary)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 1) return;
  await db
    .insertInto("services")
    .values({
      host: s.host,
      binary: s.binary,
      topic: s.topic,
      rpc_version: s.rpcVersion,
      object_versions: JSON.stringify(s.objectVersions),
      running: 1,
      disabled: 0,
      last_seen_at: now,
      created_at: now,
    })
    .execute();
}

export async function heartbeat(
  db: Db,
  host: string,
  binary: string,
  now = Date.now(),
): Promise<void> {
  await db
    .updateTable("services")
    .set({ last_seen_at: now, running: 1 })
    .where("host", "=", host)
    .where("binary", "=", binary)
    .execute();
}

export async function stopService(db: Db, host: string, binary: string): Promise<void> {
  await db
    .updateTable("services")
    .set({ running: 0 })
    .where("host", "=", host)
    .where("binary", "=", binary)
    .execute();
}

export async function setServiceDisabled(
  db: Db,
  host: string,
  binary: string,
  disabled: boolean,
): Promise<void> {
  await db
    .updateTable("services")
    .set({ disabled: disabled ? 1 : 0 })
    .where("host", "=", host)
    .where("binary", "=", binary)
    .execute();
}

/** Services that run and were seen within `downAfterMs`. */
export async function runningServices(db: Db, downAfterMs: number, now = Date.now()) {
  const rows = await db
    .selectFrom("services")
    .selectAll()
    .where("running", "=", 1)
    .where("last_seen_at", ">=", now - downAfterMs)
    .execute();
  return rows.map((r) => ({
    host: r.host,
    binary: r.binary,
    topic: r.topic,
    rpcVersion: r.rpc_version,
    objectVersions: JSON.parse(r.object_versions) as ObjectVersions,
    disabled: r.disabled === 1,
  }));
}

/** The hosts of running, enabled compute services seen within `downAfterMs`: one column, no JSON. */
export async function upComputeHostNames(
  db: Db,
  downAfterMs: number,
  now = Date.now(),
): Promise<string[]> {
  const rows = await db
    .selectFrom("services")
    .select("host")
    .where("topic", "=", "compute")
    .where("running", "=", 1)
    .where("disabled", "=", 0)
    .where("last_seen_at", ">=", now - downAfterMs)
    .execute();
  return rows.map((r) => r.host);
}
