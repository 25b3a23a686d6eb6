import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import type { DbEngine } from "../src/db/engine.js";
import { LATEST_MIGRATION, migrateTo, migrateToLatest } from "../src/db/migrate.js";
import { openSqlite } from "../src/db/sqlite-engine.js";
import { DatabaseUnavailable } from "../src/errors.js";

async function columns(engine: DbEngine, table: string): Promise<string[]> {
  const r = await sql<{ name: string }>`select name from pragma_table_info(${table})`.execute(
    engine.db,
  );
  return r.rows.map((c) => c.name);
}

describe("migrations on SQLite (node:sqlite, WAL)", () => {
  const dirs: string[] = [];
  const engines: DbEngine[] = [];
  afterEach(async () => {
    for (const e of engines.splice(0)) await e.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const fresh = () => {
    const dir = mkdtempSync(join(tmpdir(), "nova-core-"));
    dirs.push(dir);
    const engine = openSqlite(join(dir, "nova.db"));
    engines.push(engine);
    return engine;
  };

  it("builds the schema from an empty database, in WAL mode, and runs nothing twice", async () => {
    const engine = fresh();
    expect(await migrateToLatest(engine.db, engine.kind)).toEqual([
      "Up:0001-initial",
      "Up:0002-instance-description",
    ]);
    expect(await migrateToLatest(engine.db, engine.kind)).toEqual([]);
    const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(engine.db);
    expect(mode.rows[0]?.journal_mode).toBe("wal");
    const tables = await sql<{
      name: string;
    }>`select name from sqlite_master where type = 'table' and name not like 'kysely%' and name not like 'sqlite%' order by name`.execute(
      engine.db,
    );
    expect(tables.rows.map((t) => t.name)).toEqual([
      "aggregate_hosts",
      "aggregates",
      "allocations",
      "flavors",
      "images",
      "instance_action_events",
      "instance_actions",
      "instance_faults",
      "instances",
      "inventories",
      "project_locks",
      "provider_traits",
      "quota_limits",
      "resource_providers",
      "server_groups",
      "services",
    ]);
    expect(LATEST_MIGRATION).toBe("0002-instance-description");
  });

  it("goes down one step and up again: 0002 adds exactly instances.description", async () => {
    const engine = fresh();
    await migrateToLatest(engine.db, engine.kind);
    expect(await columns(engine, "instances")).toContain("description");
    expect(await migrateTo(engine.db, engine.kind, "0001-initial")).toEqual([
      "Down:0002-instance-description",
    ]);
    expect(await columns(engine, "instances")).not.toContain("description");
    expect(await migrateToLatest(engine.db, engine.kind)).toEqual(["Up:0002-instance-description"]);
  });

  it("says in one line which database cannot be opened and what to do", () => {
    expect(() => openSqlite("/nonexistent-dir/nova.db")).toThrow(DatabaseUnavailable);
    expect(() => openSqlite("/nonexistent-dir/nova.db")).toThrow(
      /sqlite database unavailable: cannot open \/nonexistent-dir\/nova.db: .*check that the directory exists/,
    );
  });
});
