import { randomUUID } from "node:crypto";
import type { DriverLogger } from "@novakit/driver-api";
import { ComputeAgent } from "./compute/agent.js";
import type { ComputeAgentConfig } from "./compute/config.js";
import type { ConductorConfig } from "./conductor/deps.js";
import { Conductor } from "./conductor/manager.js";
import { checkExtraSpec } from "./conductor/request-spec.js";
import { ConductorRpcClient } from "./conductor/rpcapi.js";
import type { DatabaseConfig, DbEngine } from "./db/engine.js";
import { migrateToLatest } from "./db/migrate.js";
import { openPostgres } from "./db/postgres-engine.js";
import {
  type FlavorInput,
  type ImageInput,
  putAggregate,
  putFlavor,
  putImage,
  putServerGroup,
} from "./db/repos/catalog.js";
import { setProjectLimit } from "./db/repos/quotas.js";
import { openSqlite } from "./db/sqlite-engine.js";
import { InvalidInput } from "./errors.js";
import { PeriodicTask } from "./periodic/periodic-task.js";
import { DEFAULT_QUOTAS } from "./quota/quota.js";
import { InProcessBus } from "./rpc/in-process-bus.js";
import type { RequestContext } from "./rpc/message.js";
import { VersionPins } from "./rpc/pins.js";
import type { Transport } from "./rpc/transport.js";
import { Scheduler, type SchedulerConfig } from "./scheduler/scheduler.js";
import { ComputeService } from "./service/compute-service.js";
import { NotificationListener } from "./service/notifications.js";

/** Everything one process of the cloud runs. Every field is optional. @public */
export interface CloudConfig {
  /** Default: SQLite in memory. */
  readonly database?: DatabaseConfig;
  /** An opened engine instead of `database` (a PostgreSQL engine, say). */
  readonly engine?: DbEngine;
  /** Default: the in-process bus. */
  readonly transport?: Transport;
  readonly conductor?: Partial<ConductorConfig>;
  /** How many schedulers to run (default 1), each with its own view of the hosts. */
  readonly schedulers?: number;
  readonly scheduler?: Partial<SchedulerConfig>;
  /** Compute agents to start in this process, one per host. */
  readonly computeHosts?: readonly ComputeAgentConfig[];
  /** Records to create at start, until the flavor and image APIs exist. */
  readonly bootstrap?: {
    readonly flavors?: readonly FlavorInput[];
    readonly images?: readonly ImageInput[];
  };
  /** How often the conductor recomputes the version pins (noticing services that died silently). */
  readonly pinRefreshIntervalMs?: number;
  /** How often the conductor looks for builds stuck past `conductor.buildTimeoutMs`; 0 off. */
  readonly stuckBuildIntervalMs?: number;
  readonly logger?: DriverLogger;
}

/** The operator's side: records the API issue will expose, written through the conductor's database. @public */
export interface CloudAdmin {
  putFlavor(flavor: FlavorInput): Promise<void>;
  putImage(image: ImageInput): Promise<void>;
  setQuota(
    projectId: string,
    resource: "instances" | "cores" | "ram",
    limit: number,
  ): Promise<void>;
  createServerGroup(
    projectId: string,
    name: string,
    policy: "affinity" | "anti-affinity",
  ): Promise<string>;
  createAggregate(
    name: string,
    metadata: Record<string, string>,
    hosts: readonly string[],
  ): Promise<void>;
}

/** A running cloud. @public */
export interface Cloud {
  readonly service: ComputeService;
  readonly conductor: Conductor;
  readonly schedulers: readonly Scheduler[];
  readonly computes: ReadonlyMap<string, ComputeAgent>;
  readonly notifications: NotificationListener;
  readonly engine: DbEngine;
  readonly transport: Transport;
  readonly pins: VersionPins;
  readonly admin: CloudAdmin;
  /** Starts a compute agent for another host. */
  addComputeHost(config: ComputeAgentConfig): Promise<ComputeAgent>;
  /** Stops a host's compute agent (its instances keep running on the hypervisor). */
  removeComputeHost(host: string): Promise<void>;
  /** Waits until no build or action flow is running. */
  drain(): Promise<void>;
  close(): Promise<void>;
}

const silent: DriverLogger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * Wires every role in one process: the database and its migrations, the
 * transport, the conductor, the schedulers, the compute agents and the
 * service layer. The roles talk to each other only over the transport, so
 * the same code runs them in separate processes with a shared transport.
 *
 * @public
 */
export async function createCloud(config: CloudConfig = {}): Promise<Cloud> {
  const logger = config.logger ?? silent;
  const engine =
    config.engine ??
    (await openDatabase(config.database ?? { engine: "sqlite", path: ":memory:" }));
  await migrateToLatest(engine.db, engine.kind);
  const db = engine.db;
  for (const f of config.bootstrap?.flavors ?? []) await checkedPutFlavor(db, f);
  for (const i of config.bootstrap?.images ?? []) await putImage(db, i);

  const transport = config.transport ?? new InProcessBus();
  const pins = new VersionPins();
  const conductorConfig: ConductorConfig = {
    maxBuildAttempts: 3,
    quotaDefaults: DEFAULT_QUOTAS,
    serviceDownAfterMs: 60_000,
    ...config.conductor,
  };
  const conductor = new Conductor(engine, transport, pins, conductorConfig, logger);
  await conductor.start();
  const pinTask = new PeriodicTask(
    "refresh_version_pins",
    config.pinRefreshIntervalMs ?? 30_000,
    () => conductor.refreshPins(),
  );
  pinTask.start();
  // Builds whose conductor died mid-way, checked every minute.
  const stuckTask = new PeriodicTask(
    "fail_stuck_builds",
    config.stuckBuildIntervalMs ?? 60_000,
    async () => {
      await conductor.failStuckBuilds();
    },
  );
  stuckTask.start();

  const ctx = systemContext();
  const schedulerConfig: SchedulerConfig = {
    strategy: "spread",
    minHostsToScore: 100,
    hostSubsetSize: 1,
    maxClaimRetries: 16,
    ...config.scheduler,
  };
  const schedulers: Scheduler[] = [];
  for (let i = 0; i < (config.schedulers ?? 1); i++) {
    const s = new Scheduler(
      transport,
      new ConductorRpcClient(transport, pins),
      schedulerConfig,
      `scheduler-${i + 1}`,
    );
    await s.start(ctx);
    schedulers.push(s);
  }

  const computes = new Map<string, ComputeAgent>();
  const addComputeHost = async (agentConfig: ComputeAgentConfig) => {
    if (computes.has(agentConfig.host))
      throw new InvalidInput("host", `${agentConfig.host} already runs a compute agent here`);
    const agent = new ComputeAgent(transport, { logger, ...agentConfig });
    await agent.start();
    computes.set(agent.host, agent);
    return agent;
  };
  for (const host of config.computeHosts ?? []) await addComputeHost(host);

  const notifications = new NotificationListener();
  await notifications.start(transport);
  const service = new ComputeService(new ConductorRpcClient(transport, pins));

  const admin: CloudAdmin = {
    putFlavor: (f) => checkedPutFlavor(db, f),
    putImage: (i) => putImage(db, i),
    setQuota: (projectId, resource, limit) => setProjectLimit(db, projectId, resource, limit),
    createServerGroup: async (projectId, name, policy) => {
      const id = randomUUID();
      await putServerGroup(db, { id, name, projectId, policy });
      return id;
    },
    createAggregate: async (name, metadata, hosts) => {
      await putAggregate(db, { name, metadata, hosts });
      // Aggregate membership is part of what the schedulers filter on.
      await Promise.all(schedulers.map((s) => s.refresh(ctx)));
    },
  };

  return {
    service,
    conductor,
    schedulers,
    computes,
    notifications,
    engine,
    transport,
    pins,
    admin,
    addComputeHost,
    removeComputeHost: async (host) => {
      const agent = computes.get(host);
      if (!agent) return;
      computes.delete(host);
      await agent.stop();
    },
    drain: () => conductor.drain(),
    close: async () => {
      await conductor.drain();
      for (const agent of computes.values()) await agent.stop();
      computes.clear();
      for (const s of schedulers) await s.stop(ctx);
      await pinTask.stop();
      await stuckTask.stop();
      await notifications.stop();
      await conductor.stop();
      await transport.close();
      await engine.close();
    },
  };
}

/** Opens the database a config names. @public */
export async function openDatabase(config: DatabaseConfig): Promise<DbEngine> {
  if (config.engine === "sqlite") return openSqlite(config.path);
  return openPostgres(config.connectionString, config.poolSize);
}

async function checkedPutFlavor(db: DbEngine["db"], f: FlavorInput): Promise<void> {
  for (const [key, value] of Object.entries(f.extraSpecs ?? {})) {
    const problem = checkExtraSpec(key, value);
    if (problem) throw new InvalidInput(`extraSpecs/${key}`, problem);
  }
  await putFlavor(db, f);
}

function systemContext(): RequestContext {
  return { requestId: `req-${randomUUID()}`, projectId: "system", userId: "nova-core" };
}
