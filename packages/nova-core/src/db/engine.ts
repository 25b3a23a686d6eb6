import type { Kysely } from "kysely";
import type { Database } from "./schema.js";

/** Which SQL engine a database runs on; queries are written to run on both. @public */
export type EngineKind = "sqlite" | "postgres";

/**
 * A database the conductor opened: the query builder over it and how to
 * close it. The rest of the core sees only this, so an engine drops in
 * without touching a repository.
 *
 * @public
 */
export interface DbEngine {
  readonly kind: EngineKind;
  readonly db: Kysely<Database>;
  /**
   * CPU seconds the database's own processes used so far, for benchmarks;
   * undefined when the engine runs inside this process (its CPU is ours).
   */
  serverCpuSeconds(): Promise<number | undefined>;
  close(): Promise<void>;
}

/** How to open the database. @public */
export type DatabaseConfig =
  | { readonly engine: "sqlite"; readonly path: string }
  | { readonly engine: "postgres"; readonly connectionString: string; readonly poolSize?: number };
