import type { Kysely } from "kysely";

// Instance 1.1 carries a user-visible description; this is where it is kept.
// A separate migration, not an edit of 0001: a database already at 0001 must
// reach the new schema by running only what it has not run.

// biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable("instances").addColumn("description", "text").execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable("instances").dropColumn("description").execute();
}
