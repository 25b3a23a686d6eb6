import { DatabaseSync, type StatementSync } from "node:sqlite";
import { Kysely, type SqliteDatabase, SqliteDialect, type SqliteStatement } from "kysely";
import { DatabaseUnavailable } from "../errors.js";
import type { DbEngine } from "./engine.js";
import type { Database } from "./schema.js";

// Node 24's built-in node:sqlite needs no native build, so a fresh clone on
// a machine without compiler headers runs the embedded engine as it is.
// Kysely's SqliteDialect expects better-sqlite3's shape (prepare() returning
// a statement with `reader`, all/run/iterate taking an array); this adapter
// gives DatabaseSync that shape and caches prepared statements, since the
// scheduler's claims run the same few statements thousands of times a second.

const STATEMENT_CACHE_SIZE = 512;

class NodeSqliteStatement implements SqliteStatement {
  readonly reader: boolean;
  readonly #statement: StatementSync;

  constructor(statement: StatementSync) {
    this.#statement = statement;
    this.reader = statement.columns().length > 0;
  }

  all(parameters: ReadonlyArray<unknown>): unknown[] {
    return this.#statement.all(...(parameters as SqlParameter[]));
  }

  run(parameters: ReadonlyArray<unknown>): {
    changes: number | bigint;
    lastInsertRowid: number | bigint;
  } {
    return this.#statement.run(...(parameters as SqlParameter[]));
  }

  iterate(parameters: ReadonlyArray<unknown>): IterableIterator<unknown> {
    return this.#statement.iterate(...(parameters as SqlParameter[]));
  }
}

type SqlParameter = null | number | bigint | string | NodeJS.ArrayBufferView;

/** DatabaseSync in the shape Kysely's SqliteDialect drives. */
export class NodeSqliteDatabase implements SqliteDatabase {
  readonly #db: DatabaseSync;
  // A Map keeps insertion order, so the first key is the least recently used.
  readonly #cache = new Map<string, NodeSqliteStatement>();

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  prepare(sql: string): SqliteStatement {
    const cached = this.#cache.get(sql);
    if (cached) {
      this.#cache.delete(sql);
      this.#cache.set(sql, cached);
      return cached;
    }
    const statement = new NodeSqliteStatement(this.#db.prepare(sql));
    this.#cache.set(sql, statement);
    if (this.#cache.size > STATEMENT_CACHE_SIZE) {
      const oldest = this.#cache.keys().next().value;
      if (oldest !== undefined) this.#cache.delete(oldest);
    }
    return statement;
  }

  close(): void {
    this.#cache.clear();
    if (this.#db.isOpen) this.#db.close();
  }
}

/**
 * Opens the embedded engine: one connection per process (SQLite serialises
 * writers anyway, and a synchronous second connection waiting on a lock
 * would block the event loop that the first needs to finish), WAL so readers
 * in other processes never block it, foreign keys on.
 *
 * @public
 */
export function openSqlite(path: string): DbEngine {
  let raw: DatabaseSync;
  try {
    raw = new DatabaseSync(path);
    if (path !== ":memory:") raw.exec("PRAGMA journal_mode = WAL");
    // NORMAL under WAL loses no committed transaction on a process crash,
    // only on a power cut; the control plane's records are rebuilt from
    // the hypervisors by the startup reconcile in that case.
    raw.exec("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000");
    // The default page cache is 2 MB: a cloud of 10,000 hosts outgrows it
    // and every claim then reads pages back through system calls. Keep up
    // to 64 MB of pages in memory and map the file for reads.
    raw.exec(
      "PRAGMA cache_size = -65536; PRAGMA mmap_size = 268435456; PRAGMA temp_store = MEMORY",
    );
    // A checkpoint (the step that syncs the file) every 4,000 pages of WAL, not 1,000.
    raw.exec("PRAGMA wal_autocheckpoint = 4000");
  } catch (err) {
    throw new DatabaseUnavailable(
      "sqlite",
      `cannot open ${path}: ${(err as Error).message}`,
      "check that the directory exists and is writable",
    );
  }
  const database = new NodeSqliteDatabase(raw);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  return {
    kind: "sqlite",
    db,
    serverCpuSeconds: async () => undefined,
    close: () => db.destroy(),
  };
}
