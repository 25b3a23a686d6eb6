// Shared by the benchmark scripts: figures, not assertions. Each script
// prints its figures for people and, last, one JSON line for run-all.mjs.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A SQLite file in WAL mode in a fresh temporary directory, and how to remove it. */
export function tempDatabase() {
  const dir = mkdtempSync(join(tmpdir(), "nova-bench-"));
  return {
    config: { engine: "sqlite", path: join(dir, "nova.db") },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

/** CPU seconds this process used since `start` (from process.cpuUsage). */
export function cpuSecondsSince(start) {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1e6;
}

export function peakRssMiB() {
  return process.resourceUsage().maxRSS / 1024;
}

/** Runs `work(i)` for i in [0, n) with at most `window` in flight. */
export async function windowed(n, window, work) {
  let next = 0;
  const runners = Array.from({ length: Math.min(window, n) }, async () => {
    while (next < n) {
      const i = next++;
      await work(i);
    }
  });
  await Promise.all(runners);
}

export function emit(result) {
  console.log(`BENCH_JSON ${JSON.stringify(result)}`);
}

/**
 * The engine pair a benchmark runs on, from its arguments: sqlite|postgres
 * and in-process|nats (PostgreSQL and NATS at NOVA_PG_URL and NOVA_NATS_URL,
 * which scripts/postgres/start.sh and scripts/nats/start.sh print).
 */
export async function enginePair(engineName = "sqlite", transportName = "in-process") {
  const lib = await import("../dist/index.js");
  let database;
  let cleanup = () => {};
  if (engineName === "postgres") {
    const url = process.env.NOVA_PG_URL;
    if (!url)
      throw new Error("postgres needs NOVA_PG_URL (bash scripts/postgres/start.sh prints it)");
    const pg = (await import("pg")).default;
    const name = `nova_bench_${process.pid}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.query(`create database ${name}`);
    await admin.end();
    const target = new URL(url);
    target.pathname = `/${name}`;
    database = { engine: "postgres", connectionString: target.toString(), poolSize: 16 };
    cleanup = async () => {
      const a = new pg.Client({ connectionString: url });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    };
  } else {
    const t = tempDatabase();
    database = t.config;
    cleanup = t.cleanup;
  }
  let transport;
  if (transportName === "nats") {
    const url = process.env.NOVA_NATS_URL;
    if (!url) throw new Error("nats needs NOVA_NATS_URL (bash scripts/nats/start.sh prints it)");
    transport = await lib.openNats(url, { prefix: `bench${process.pid}.` });
  }
  return { database, transport, cleanup, label: `${engineName} + ${transportName}` };
}

/** CPU seconds of every process of this name on the machine, from /proc (the database's, NATS's). */
export function processCpuSeconds(comm) {
  let ticks = 0;
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    let stat;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    } catch {
      continue;
    }
    const close = stat.lastIndexOf(")");
    if (stat.slice(stat.indexOf("(") + 1, close) !== comm) continue;
    const fields = stat.slice(close + 2).split(" ");
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / 100;
}
