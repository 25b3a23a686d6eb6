import type { Db } from "./instances.js";

// Flavors, images, server groups and aggregates: simple records the
// factory's bootstrap creates until the image and flavor APIs exist.

export interface FlavorInput {
  id: string;
  name: string;
  vcpus: number;
  memoryMb: number;
  rootGb: number;
  ephemeralGb?: number;
  extraSpecs?: Record<string, string>;
}

export async function putFlavor(db: Db, f: FlavorInput): Promise<void> {
  await db.deleteFrom("flavors").where("id", "=", f.id).execute();
  await db
    .insertInto("flavors")
    .values({
      id: f.id,
      name: f.name,
      vcpus: f.vcpus,
      memory_mb: f.memoryMb,
      root_gb: f.rootGb,
      ephemeral_gb: f.ephemeralGb ?? 0,
      extra_specs: JSON.stringify(f.extraSpecs ?? {}),
      disabled: 0,
    })
    .execute();
}

export function getFlavor(db: Db, id: string) {
  return db
    .selectFrom("flavors")
    .selectAll()
    .where("id", "=", id)
    .where("disabled", "=", 0)
    .executeTakeFirst();
}

export interface ImageInput {
  id: string;
  name: string;
  location?: string;
  diskFormat?: "raw" | "qcow2";
}

export async function putImage(db: Db, i: ImageInput): Promise<void> {
  await db.deleteFrom("images").where("id", "=", i.id).execute();
  await db
    .insertInto("images")
    .values({
      id: i.id,
      name: i.name,
      location: i.location ?? null,
      disk_format: i.diskFormat ?? null,
      status: "active",
    })
    .execute();
}

export function getImage(db: Db, id: string) {
  return db
    .selectFrom("images")
    .selectAll()
    .where("id", "=", id)
    .where("status", "=", "active")
    .executeTakeFirst();
}

export async function putServerGroup(
  db: Db,
  g: { id: string; name: string; projectId: string; policy: "affinity" | "anti-affinity" },
  now = Date.now(),
): Promise<void> {
  await db
    .insertInto("server_groups")
    .values({ id: g.id, name: g.name, project_id: g.projectId, policy: g.policy, created_at: now })
    .execute();
}

export function getServerGroup(db: Db, id: string) {
  return db.selectFrom("server_groups").selectAll().where("id", "=", id).executeTakeFirst();
}

/** The hosts the group's live members are on (or claimed), excluding `exceptUuid`. */
export async function groupHosts(db: Db, groupId: string, exceptUuid?: string): Promise<string[]> {
  let q = db
    .selectFrom("instances")
    .select("host")
    .distinct()
    .where("server_group_id", "=", groupId)
    .where("deleted", "=", 0)
    .where("host", "is not", null);
  if (exceptUuid !== undefined) q = q.where("uuid", "!=", exceptUuid);
  const rows = await q.execute();
  return rows.map((r) => r.host).filter((h): h is string => h !== null);
}

/** Creates an aggregate with metadata and puts the named hosts' providers in it. */
export async function putAggregate(
  db: Db,
  a: { name: string; metadata: Record<string, string>; hosts: readonly string[] },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto("aggregates")
      .values({ name: a.name, metadata: JSON.stringify(a.metadata) })
      .returning("id")
      .executeTakeFirstOrThrow();
    const providers = a.hosts.length
      ? await trx
          .selectFrom("resource_providers")
          .select("id")
          .where("name", "in", [...a.hosts])
          .execute()
      : [];
    if (providers.length > 0) {
      await trx
        .insertInto("aggregate_hosts")
        .values(providers.map((p) => ({ aggregate_id: row.id, provider_id: p.id })))
        .execute();
    }
    // Membership is part of what the scheduler filters on: bump so views refresh.
    if (providers.length > 0) {
      await trx
        .updateTable("resource_providers")
        .set((eb) => ({ generation: eb("generation", "+", 1) }))
        .where(
          "id",
          "in",
          providers.map((p) => p.id),
        )
        .execute();
    }
  });
}
