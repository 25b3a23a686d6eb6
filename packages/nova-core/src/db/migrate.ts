import type { Kysely } from "kysely";
import { type Migration, type MigrationResultSet, Migrator } from "kysely/migration";
import type { EngineKind } from "./engine.js";
import * as m0001 from "./migrations/0001-initial.js";
import * as m0002 from "./migrations/0002-instance-description.js";
import type { Database } from "./schema.js";

// The ordered list of migrations. Names sort in the order they must run;
// a migration, once released, is never edited: a change is a new one.
function migrations(kind: EngineKind): Record<string, Migration> {
  return {
    "0001-initial": { up: (db) => m0001.up(db, kind), down: (db) => m0001.down(db) },
    "0002-instance-description": { up: (db) => m0002.up(db), down: (db) => m0002.down(db) },
  };
}

/** The name of the newest migration this build knows. @public */
export const LATEST_MIGRATION = "0002-instance-description";

function migrator(db: Kysely<Database>, kind: EngineKind): Migrator {
  return new Migrator({
    db,
    provider: { getMigrations: async () => migrations(kind) },
  });
}

/** Brings the database to the newest schema; throws with the failing migration's error. @public */
export async function migrateToLatest(db: Kysely<Database>, kind: EngineKind): Promise<string[]> {
  return applied(await migrator(db, kind).migrateToLatest());
}

/** Migrates up or down to exactly `name` (used by the migration tests). @public */
export async function migrateTo(
  db: Kysely<Database>,
  kind: EngineKind,
  name: string,
): Promise<string[]> {
  return applied(await migrator(db, kind).migrateTo(name));
}

function applied(result: MigrationResultSet): string[] {
  if (result.error) throw result.error;
  return (result.results ?? []).map((r) => `${r.direction}:${r.migrationName}`);
}
