import { randomBytes } from "node:crypto";
import pg from "pg";
import type { DbEngine } from "../src/db/engine.js";
import { openPostgres } from "../src/db/postgres-engine.js";
import { openNats } from "../src/rpc/nats-transport.js";
import type { Transport } from "../src/rpc/transport.js";

/**
 * The engine the suites run on: SQLite in memory by default; with
 * NOVA_TEST_ENGINE=postgres, a fresh PostgreSQL database per cloud on the
 * server NOVA_PG_URL names, dropped when the cloud closes.
 */
export async function testEngine(): Promise<{ engine?: DbEngine; cleanup: () => Promise<void> }> {
  if (process.env.NOVA_TEST_ENGINE !== "postgres") return { cleanup: async () => {} };
  const url = process.env.NOVA_PG_URL;
  if (!url)
    throw new Error(
      "NOVA_TEST_ENGINE=postgres needs NOVA_PG_URL (bash scripts/postgres/start.sh prints it)",
    );
  const name = `nova_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const target = new URL(url);
  target.pathname = `/${name}`;
  // Enough connections for the concurrency suites' transactions to really overlap.
  const engine = await openPostgres(target.toString(), 16);
  return {
    engine,
    cleanup: async () => {
      const a = new pg.Client({ connectionString: url });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

/** True when a PostgreSQL server answers at NOVA_PG_URL. */
export async function postgresAvailable(): Promise<boolean> {
  const url = process.env.NOVA_PG_URL;
  if (!url) return false;
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.query("select 1");
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => {});
  }
}

/**
 * The transport the suites run on: the in-process bus by default; with
 * NOVA_TEST_TRANSPORT=nats, a connection to NOVA_NATS_URL whose subjects
 * carry a prefix of their own, so clouds sharing the server never meet.
 */
export async function testTransport(): Promise<Transport | undefined> {
  if (process.env.NOVA_TEST_TRANSPORT !== "nats") return undefined;
  const url = process.env.NOVA_NATS_URL;
  if (!url)
    throw new Error(
      "NOVA_TEST_TRANSPORT=nats needs NOVA_NATS_URL (bash scripts/nats/start.sh prints it)",
    );
  return openNats(url, { prefix: `t${randomBytes(6).toString("hex")}.` });
}

/** True when a NATS server answers at NOVA_NATS_URL. */
export async function natsAvailable(): Promise<boolean> {
  const url = process.env.NOVA_NATS_URL;
  if (!url) return false;
  try {
    const t = await openNats(url);
    await t.close();
    return true;
  } catch {
    return false;
  }
}
