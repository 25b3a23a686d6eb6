import type { CreateTableBuilder, Kysely } from "kysely";
import type { EngineKind } from "../engine.js";

// The first schema. Written once per engine only where the two differ (the
// auto-increment key); everything else is the same DDL on SQLite and PG.

// biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
type AnyDb = Kysely<any>;

function withId<T extends string>(kind: EngineKind, table: CreateTableBuilder<T, never>) {
  return kind === "sqlite"
    ? table.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    : table.addColumn("id", "serial", (c) => c.primaryKey());
}

export async function up(db: AnyDb, kind: EngineKind): Promise<void> {
  await withId(kind, db.schema.createTable("services"))
    .addColumn("host", "varchar(255)", (c) => c.notNull())
    .addColumn("binary", "varchar(64)", (c) => c.notNull())
    .addColumn("topic", "varchar(64)", (c) => c.notNull())
    .addColumn("rpc_version", "varchar(16)", (c) => c.notNull())
    .addColumn("object_versions", "text", (c) => c.notNull())
    .addColumn("running", "integer", (c) => c.notNull())
    .addColumn("disabled", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("last_seen_at", "bigint", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addUniqueConstraint("services_host_binary", ["host", "binary"])
    .execute();

  await withId(kind, db.schema.createTable("resource_providers"))
    .addColumn("uuid", "varchar(36)", (c) => c.notNull().unique())
    .addColumn("name", "varchar(255)", (c) => c.notNull().unique())
    .addColumn("generation", "integer", (c) => c.notNull())
    .addColumn("disabled", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("availability_zone", "varchar(255)", (c) => c.notNull())
    .addColumn("hypervisor_type", "varchar(64)", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("inventories")
    .addColumn("provider_id", "integer", (c) =>
      c.notNull().references("resource_providers.id").onDelete("cascade"),
    )
    .addColumn("resource_class", "varchar(32)", (c) => c.notNull())
    .addColumn("total", "integer", (c) => c.notNull())
    .addColumn("reserved", "integer", (c) => c.notNull())
    .addColumn("allocation_ratio", "double precision", (c) => c.notNull())
    .addPrimaryKeyConstraint("inventories_pk", ["provider_id", "resource_class"])
    .execute();

  await db.schema
    .createTable("provider_traits")
    .addColumn("provider_id", "integer", (c) =>
      c.notNull().references("resource_providers.id").onDelete("cascade"),
    )
    .addColumn("trait", "varchar(255)", (c) => c.notNull())
    .addPrimaryKeyConstraint("provider_traits_pk", ["provider_id", "trait"])
    .execute();

  await withId(kind, db.schema.createTable("aggregates"))
    .addColumn("name", "varchar(255)", (c) => c.notNull().unique())
    .addColumn("metadata", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("aggregate_hosts")
    .addColumn("aggregate_id", "integer", (c) =>
      c.notNull().references("aggregates.id").onDelete("cascade"),
    )
    .addColumn("provider_id", "integer", (c) =>
      c.notNull().references("resource_providers.id").onDelete("cascade"),
    )
    .addPrimaryKeyConstraint("aggregate_hosts_pk", ["aggregate_id", "provider_id"])
    .execute();

  await withId(kind, db.schema.createTable("allocations"))
    .addColumn("provider_id", "integer", (c) => c.notNull().references("resource_providers.id"))
    .addColumn("consumer_uuid", "varchar(36)", (c) => c.notNull())
    .addColumn("resource_class", "varchar(32)", (c) => c.notNull())
    .addColumn("used", "integer", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("allocations_consumer")
    .on("allocations")
    .column("consumer_uuid")
    .execute();
  await db.schema
    .createIndex("allocations_provider")
    .on("allocations")
    .columns(["provider_id", "resource_class"])
    .execute();

  await withId(kind, db.schema.createTable("instances"))
    .addColumn("uuid", "varchar(36)", (c) => c.notNull().unique())
    .addColumn("display_name", "varchar(255)", (c) => c.notNull())
    .addColumn("project_id", "varchar(255)", (c) => c.notNull())
    .addColumn("user_id", "varchar(255)", (c) => c.notNull())
    .addColumn("flavor_id", "varchar(255)", (c) => c.notNull())
    .addColumn("image_id", "varchar(255)", (c) => c.notNull())
    .addColumn("vcpus", "integer", (c) => c.notNull())
    .addColumn("memory_mb", "integer", (c) => c.notNull())
    .addColumn("root_gb", "integer", (c) => c.notNull())
    .addColumn("vm_state", "varchar(32)", (c) => c.notNull())
    .addColumn("task_state", "varchar(32)")
    .addColumn("power_state", "varchar(32)", (c) => c.notNull())
    .addColumn("power_stamp", "bigint", (c) => c.notNull())
    .addColumn("host", "varchar(255)")
    .addColumn("availability_zone", "varchar(255)")
    .addColumn("server_group_id", "varchar(36)")
    .addColumn("metadata", "text", (c) => c.notNull())
    .addColumn("pending_request_id", "varchar(255)")
    .addColumn("needs_reconcile", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("launched_at", "bigint")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addColumn("deleted_at", "bigint")
    .addColumn("deleted", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("version", "integer", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("instances_project")
    .on("instances")
    .columns(["project_id", "deleted"])
    .execute();
  await db.schema
    .createIndex("instances_host")
    .on("instances")
    .columns(["host", "deleted"])
    .execute();

  await withId(kind, db.schema.createTable("instance_faults"))
    .addColumn("instance_uuid", "varchar(36)", (c) => c.notNull())
    .addColumn("code", "varchar(64)", (c) => c.notNull())
    .addColumn("message", "text", (c) => c.notNull())
    .addColumn("details", "text", (c) => c.notNull())
    .addColumn("host", "varchar(255)")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("instance_faults_uuid")
    .on("instance_faults")
    .column("instance_uuid")
    .execute();

  await withId(kind, db.schema.createTable("instance_actions"))
    .addColumn("instance_uuid", "varchar(36)", (c) => c.notNull())
    .addColumn("action", "varchar(64)", (c) => c.notNull())
    .addColumn("request_id", "varchar(255)", (c) => c.notNull())
    .addColumn("project_id", "varchar(255)", (c) => c.notNull())
    .addColumn("user_id", "varchar(255)", (c) => c.notNull())
    .addColumn("start_time", "bigint", (c) => c.notNull())
    .addColumn("finish_time", "bigint")
    .addColumn("result", "varchar(16)")
    .addColumn("message", "text")
    .execute();
  await db.schema
    .createIndex("instance_actions_uuid")
    .on("instance_actions")
    .columns(["instance_uuid", "request_id"])
    .execute();

  await withId(kind, db.schema.createTable("instance_action_events"))
    .addColumn("action_id", "integer", (c) =>
      c.notNull().references("instance_actions.id").onDelete("cascade"),
    )
    .addColumn("event", "varchar(64)", (c) => c.notNull())
    .addColumn("host", "varchar(255)")
    .addColumn("start_time", "bigint", (c) => c.notNull())
    .addColumn("finish_time", "bigint")
    .addColumn("result", "varchar(16)")
    .addColumn("details", "text")
    .execute();
  await db.schema
    .createIndex("instance_action_events_action")
    .on("instance_action_events")
    .column("action_id")
    .execute();

  await db.schema
    .createTable("flavors")
    .addColumn("id", "varchar(255)", (c) => c.primaryKey())
    .addColumn("name", "varchar(255)", (c) => c.notNull())
    .addColumn("vcpus", "integer", (c) => c.notNull())
    .addColumn("memory_mb", "integer", (c) => c.notNull())
    .addColumn("root_gb", "integer", (c) => c.notNull())
    .addColumn("ephemeral_gb", "integer", (c) => c.notNull())
    .addColumn("extra_specs", "text", (c) => c.notNull())
    .addColumn("disabled", "integer", (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable("images")
    .addColumn("id", "varchar(255)", (c) => c.primaryKey())
    .addColumn("name", "varchar(255)", (c) => c.notNull())
    .addColumn("location", "text")
    .addColumn("disk_format", "varchar(16)")
    .addColumn("status", "varchar(16)", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("server_groups")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("name", "varchar(255)", (c) => c.notNull())
    .addColumn("project_id", "varchar(255)", (c) => c.notNull())
    .addColumn("policy", "varchar(32)", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("quota_limits")
    .addColumn("project_id", "varchar(255)", (c) => c.notNull())
    .addColumn("resource", "varchar(32)", (c) => c.notNull())
    .addColumn("hard_limit", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("quota_limits_pk", ["project_id", "resource"])
    .execute();

  await db.schema
    .createTable("project_locks")
    .addColumn("project_id", "varchar(255)", (c) => c.primaryKey())
    .addColumn("counter", "integer", (c) => c.notNull())
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  for (const table of [
    "project_locks",
    "quota_limits",
    "server_groups",
    "images",
    "flavors",
    "instance_action_events",
    "instance_actions",
    "instance_faults",
    "instances",
    "allocations",
    "aggregate_hosts",
    "aggregates",
    "provider_traits",
    "inventories",
    "resource_providers",
    "services",
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
