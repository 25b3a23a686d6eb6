import { type Compilable, CompiledQuery, type Kysely, type QueryResult } from "kysely";
import type { Database } from "./schema.js";

// Kysely builds and compiles a query on every call; for the few statements
// the scheduler's claims run thousands of times a second, that costs more
// than SQLite takes to run them. A prepared query is built and compiled
// once per dialect with marker values in place of its parameters, then run
// again and again with real values in their places. The SQL is still
// Kysely's, so it stays portable; only the compiling is skipped.

const MARK = "\u0000nova-param-";

type Db = Kysely<Database>;

interface Compiled {
  readonly sql: string;
  /** For each bound parameter: the index of the argument it is, or -1 for a constant. */
  readonly slots: readonly number[];
  readonly constants: readonly unknown[];
}

/** A statement compiled once per dialect and run with new arguments each time. @public */
export interface PreparedQuery<A extends readonly unknown[], R> {
  execute(db: Db, ...args: A): Promise<QueryResult<R>>;
}

/**
 * Prepares `build`, which receives marker values for its arguments and
 * returns the query. Every argument must reach the SQL as one bound
 * parameter (an `in` list of variable length cannot be prepared this way).
 *
 * @public
 */
export function prepare<A extends readonly unknown[], R>(
  arity: A["length"],
  build: (db: Db, ...args: A) => Compilable<R>,
): PreparedQuery<A, R> {
  // One compilation per dialect adapter: SQLite and PostgreSQL spell
  // placeholders differently.
  const cache = new WeakMap<object, Compiled>();
  return {
    execute(db, ...args) {
      const adapter = db.getExecutor().adapter;
      let compiled = cache.get(adapter);
      if (!compiled) {
        const marks = Array.from({ length: arity }, (_, i) => `${MARK}${i}`) as unknown as A;
        const query = build(db, ...marks).compile();
        const slots = query.parameters.map((p) =>
          typeof p === "string" && p.startsWith(MARK) ? Number(p.slice(MARK.length)) : -1,
        );
        compiled = { sql: query.sql, slots, constants: query.parameters };
        cache.set(adapter, compiled);
      }
      const c = compiled;
      const parameters = c.slots.map((slot, i) => (slot >= 0 ? args[slot] : c.constants[i]));
      return db.executeQuery<R>(CompiledQuery.raw(c.sql, parameters) as CompiledQuery<R>);
    },
  };
}
