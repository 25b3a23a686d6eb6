import { describe, expect, it } from "vitest";
import { migrateTo, migrateToLatest } from "../src/db/migrate.js";
import { openPostgres } from "../src/db/postgres-engine.js";
import { DatabaseUnavailable } from "../src/errors.js";
import { postgresAvailable, testEngine } from "./engines.js";

// The storage, state, quota and scheduler suites again, on PostgreSQL: the
// same files, with the engine switched. Skipped, saying so, where no server
// answers at NOVA_PG_URL (./dev test starts one with scripts/postgres/start.sh).
const available = await postgresAvailable();
if (available) {
  process.env.NOVA_TEST_ENGINE = "postgres";
  await import("./state.test.js");
  await import("./quota.test.js");
  await import("./scheduler.test.js");
}

describe.skipIf(!available)("PostgreSQL engine", () => {
  it("builds the schema from an empty database and steps down and up", async () => {
    const { engine, cleanup } = await testEngine();
    if (!engine) throw new Error("no engine");
    try {
      expect(await migrateToLatest(engine.db, engine.kind)).toEqual([
        "Up:0001-initial",
        "Up:0002-instance-description",
      ]);
      expect(await migrateToLatest(engine.db, engine.kind)).toEqual([]);
      expect(await migrateTo(engine.db, engine.kind, "0001-initial")).toEqual([
        "Down:0002-instance-description",
      ]);
      expect(await migrateToLatest(engine.db, engine.kind)).toEqual([
        "Up:0002-instance-description",
      ]);
    } finally {
      await engine.close();
      await cleanup();
    }
  });
});

describe("a PostgreSQL that does not answer", () => {
  it("is one line saying which and how to start one", async () => {
    const err = await openPostgres("postgres://nova:secret@127.0.0.1:1/nova").catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DatabaseUnavailable);
    expect((err as Error).message).toMatch(
      /^postgres database unavailable: postgres:\/\/nova:\*\*\*@127\.0\.0\.1:1\/nova does not answer: .*scripts\/postgres\/start\.sh/,
    );
    expect((err as Error).message).not.toContain("secret");
  });
});
