import { readdirSync, readFileSync } from "node:fs";
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { DatabaseUnavailable } from "../errors.js";
import type { DbEngine } from "./engine.js";
import type { Database } from "./schema.js";

// PostgreSQL for the many-machines shape. Same schema, same queries as
// SQLite; only the dialect and the connection pool differ.

// pg returns int8 and numeric as strings, to keep precision JavaScript
// numbers may lose. Every int8 here is an epoch-millisecond time or a
// microsecond stamp (below 2^53), and every numeric a sum of small
// integers, so numbers they are. Per pool, not pg's global parsers.
const INT8 = 20;
const NUMERIC = 1700;
const types = {
  getTypeParser: (oid: number, format?: "text" | "binary") => {
    if (oid === INT8 || oid === NUMERIC) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
};

const HINT =
  "start one with `bash scripts/postgres/start.sh` (it prints the URL) and pass that URL";

/**
 * Opens a PostgreSQL database and checks it answers; a database that does
 * not is one line, DatabaseUnavailable, saying where and how to start one.
 *
 * @public
 */
export async function openPostgres(connectionString: string, poolSize = 10): Promise<DbEngine> {
  // The probe has a deadline; the pool does not: under a boot storm a
  // transaction waits for a connection as long as it takes.
  const probe = new pg.Client({ connectionString, connectionTimeoutMillis: 5000 });
  try {
    await probe.connect();
    await probe.query("select 1");
  } catch (err) {
    throw new DatabaseUnavailable(
      "postgres",
      `${redact(connectionString)} does not answer: ${(err as Error).message}`,
      HINT,
    );
  } finally {
    await probe.end().catch(() => {});
  }
  const pool = new pg.Pool({ connectionString, max: poolSize, types: types as never });
  // An idle client's error (the server restarting) must not crash the process.
  pool.on("error", () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    kind: "postgres",
    db,
    serverCpuSeconds: async () => postgresCpuSeconds(),
    close: () => db.destroy(),
  };
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@");
}

/** CPU seconds of every postgres process on this machine, from /proc (Linux), for benchmarks. */
export function postgresCpuSeconds(): number | undefined {
  let ticks = 0;
  let found = false;
  try {
    for (const pid of readdirSync("/proc")) {
      if (!/^\d+$/.test(pid)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      } catch {
        continue;
      }
      const close = stat.lastIndexOf(")");
      const comm = stat.slice(stat.indexOf("(") + 1, close);
      if (comm !== "postgres") continue;
      const fields = stat.slice(close + 2).split(" ");
      // utime and stime are fields 14 and 15 of stat, 12 and 13 after the comm.
      ticks += Number(fields[11]) + Number(fields[12]);
      found = true;
    }
  } catch {
    return undefined;
  }
  // USER_HZ is 100 on every Linux this runs on.
  return found ? ticks / 100 : undefined;
}
