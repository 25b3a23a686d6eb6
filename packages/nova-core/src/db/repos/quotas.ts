import { sql } from "kysely";
import type { Db } from "./instances.js";

// Quota usage is counted from the instance records themselves, never kept
// as a separate counter that could drift from them.

export interface Usage {
  instances: number;
  cores: number;
  ram: number;
}

export async function projectUsage(db: Db, projectId: string): Promise<Usage> {
  const row = await db
    .selectFrom("instances")
    .select([
      sql<number>`count(*)`.as("instances"),
      sql<number>`coalesce(sum(vcpus), 0)`.as("cores"),
      sql<number>`coalesce(sum(memory_mb), 0)`.as("ram"),
    ])
    .where("project_id", "=", projectId)
    .where("deleted", "=", 0)
    .executeTakeFirstOrThrow();
  return { instances: Number(row.instances), cores: Number(row.cores), ram: Number(row.ram) };
}

/** Per-project overrides; resources without a row use the defaults. */
export async function projectLimits(db: Db, projectId: string): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom("quota_limits")
    .selectAll()
    .where("project_id", "=", projectId)
    .execute();
  return Object.fromEntries(rows.map((r) => [r.resource, r.hard_limit]));
}

export async function setProjectLimit(
  db: Db,
  projectId: string,
  resource: string,
  limit: number,
): Promise<void> {
  await db
    .deleteFrom("quota_limits")
    .where("project_id", "=", projectId)
    .where("resource", "=", resource)
    .execute();
  await db
    .insertInto("quota_limits")
    .values({ project_id: projectId, resource, hard_limit: limit })
    .execute();
}

/**
 * Takes the project's quota lock inside the caller's transaction: an update
 * of its row, which serialises every quota-checked transaction of one
 * project (a row lock on PostgreSQL; SQLite serialises writers anyway), so
 * the count that follows sees every create that committed before it.
 */
export async function lockProject(trx: Db, projectId: string): Promise<void> {
  const r = await trx
    .updateTable("project_locks")
    .set((eb) => ({ counter: eb("counter", "+", 1) }))
    .where("project_id", "=", projectId)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) === 1) return;
  // First create of the project: make the row. Two first creates racing on
  // PostgreSQL: the loser's insert fails on the key and its transaction is
  // retried by the caller, after which the update path applies.
  await trx.insertInto("project_locks").values({ project_id: projectId, counter: 1 }).execute();
}
