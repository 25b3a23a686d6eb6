import { randomUUID } from "node:crypto";
import {
  type DriverClient,
  DriverClient as DriverClientClass,
  type DriverLogger,
  ErrorCode,
  isDriverError,
  type LifecycleEvent,
  loadDriver,
} from "@novakit/driver-api";
import { ConductorRpcClient } from "../conductor/rpcapi.js";
import type { PowerObservation, ReconcileReport } from "../conductor/types.js";
import { ComputeFailure, type ObservedPower } from "../errors.js";
import { KeyedLanes } from "../lanes/keyed-lanes.js";
import { fromPrimitive } from "../objects/base.js";
import type { HostReport } from "../objects/host-report.js";
import { type Instance, InstanceObject } from "../objects/instance.js";
import { CURRENT_OBJECT_VERSIONS, type ObjectVersions } from "../objects/registry.js";
import { PeriodicTask } from "../periodic/periodic-task.js";
import { RPC_APIS } from "../rpc/api-versions.js";
import type { RequestContext } from "../rpc/message.js";
import { VersionPins } from "../rpc/pins.js";
import { RpcServer } from "../rpc/server.js";
import type { Transport } from "../rpc/transport.js";
import { compareVersions } from "../rpc/version.js";
import { powerStateFromDriver } from "../state/instance-states.js";
import type { ComputeAgentConfig } from "./config.js";
import { runDriverOp, toSpawnRequest } from "./driver-ops.js";
import { buildHostReport } from "./host-report.js";
import { reconcileHost } from "./reconcile.js";
import type { ComputeResult } from "./rpcapi.js";
import { SettleTracker } from "./settle.js";
import { StampClock } from "./stamps.js";

const BINARY = "nova-compute";
const silent: DriverLogger = { debug() {}, info() {}, warn() {}, error() {} };
const TOMBSTONES = 10_000;

/**
 * The compute agent of one host. It loads the host's driver with
 * loadDriver, calls it only through DriverClient, runs one operation per
 * instance at a time, forwards the driver's lifecycle events, reports the
 * host's resources and capabilities, and syncs power states periodically.
 * It holds no database connection: everything it learns or changes goes to
 * the conductor over versioned RPC.
 *
 * @public
 */
export class ComputeAgent {
  readonly host: string;
  readonly rpcVersion: string;
  readonly objectVersions: ObjectVersions;
  readonly #config: ComputeAgentConfig;
  readonly #transport: Transport;
  readonly #pins = new VersionPins();
  readonly #conductor: ConductorRpcClient;
  readonly #lanes = new KeyedLanes();
  readonly #tracker = new SettleTracker();
  readonly #clock = new StampClock();
  readonly #logger: DriverLogger;
  readonly #needsReconcile = new Set<string>();
  readonly #terminated = new Set<string>();
  #client: DriverClient | undefined;
  #server: RpcServer | undefined;
  #pendingEvents: PowerObservation[] = [];
  #flushScheduled = false;
  readonly periodic: { powerSync: PeriodicTask; heartbeat: PeriodicTask; resources: PeriodicTask };
  /** What the start-up comparison found. */
  lastReconcile: ReconcileReport | undefined;

  constructor(transport: Transport, config: ComputeAgentConfig) {
    this.host = config.host;
    this.#config = config;
    this.#transport = transport;
    this.#logger = config.logger ?? silent;
    this.rpcVersion = config.speaks?.rpcVersion ?? RPC_APIS.compute.current;
    this.objectVersions = { ...CURRENT_OBJECT_VERSIONS, ...config.speaks?.objectVersions };
    this.#conductor = new ConductorRpcClient(transport, this.#pins);
    this.periodic = {
      powerSync: new PeriodicTask("sync_power_states", config.powerSyncIntervalMs ?? 600_000, () =>
        this.syncPowerStates(),
      ),
      heartbeat: new PeriodicTask("heartbeat", config.heartbeatIntervalMs ?? 10_000, () =>
        this.#heartbeat(),
      ),
      resources: new PeriodicTask(
        "update_available_resource",
        config.resourceReportIntervalMs ?? 60_000,
        () => this.#reportResources(),
      ),
    };
  }

  /** The driver behind its guard; undefined before start. */
  get driverClient(): DriverClient | undefined {
    return this.#client;
  }

  async start(): Promise<void> {
    const ctx = this.#ctx();
    const loaded = await loadDriver(this.#config.driver, this.#config.driverConfig, {
      ...(this.#config.fromDir === undefined ? {} : { fromDir: this.#config.fromDir }),
      logger: this.#logger,
      onEvent: (event) => this.#onEvent(event),
    });
    // The tracker sits under DriverClient: the guard stays the only caller.
    this.#client = new DriverClientClass(this.#tracker.wrap(loaded.driver), {
      logger: this.#logger,
      ...(this.#config.driverTimeoutsMs === undefined
        ? {}
        : { timeoutsMs: this.#config.driverTimeoutsMs }),
    });
    await this.#client.init({ requestId: ctx.requestId });
    this.#server = new RpcServer(this.#transport, {
      topic: "compute",
      server: this.host,
      version: this.rpcVersion,
      shareTopic: false,
      methods: this.#methods(),
      onInternalError: (method, error) =>
        this.#logger.error("compute method failed", { method, error: String(error) }),
    });
    await this.#server.start();
    const registration = await this.#conductor.registerService(
      ctx,
      {
        host: this.host,
        binary: BINARY,
        topic: "compute",
        rpcVersion: this.rpcVersion,
        objectVersions: this.objectVersions,
      },
      await this.#hostReport(),
    );
    this.#pins.set(registration.pins);
    this.lastReconcile = await reconcileHost(
      this.host,
      ctx,
      this.#client,
      this.#conductor,
      this.#config.reconcilePolicy ?? { unknown: "report", missing: "error" },
      (uuid) =>
        this.#lanes.run(uuid, () =>
          (this.#client as DriverClient).destroy(uuid, { requestId: ctx.requestId }),
        ),
    );
    await this.syncPowerStates();
    for (const task of Object.values(this.periodic)) task.start();
  }

  /** Stops serving, says so to the conductor, and closes the driver. Instances keep running. */
  async stop(): Promise<void> {
    for (const task of Object.values(this.periodic)) await task.stop();
    await this.#server?.stop();
    await this.#flush();
    await this.#conductor.serviceStopped(this.#ctx(), this.host, BINARY).catch(() => {});
    await this.#client?.close().catch(() => {});
  }

  /** Reports every instance's power state as the driver sees it now. Safe to run twice at once. */
  async syncPowerStates(): Promise<void> {
    const client = this.#requireClient();
    const list = await client.listInstances();
    const observations = list.map((i) => ({
      uuid: i.uuid,
      powerState: powerStateFromDriver(i.powerState),
      stamp: this.#clock.next(),
      ...(this.#needsReconcile.has(i.uuid) ? { needsReconcile: true } : {}),
    }));
    if (observations.length > 0)
      await this.#conductor.syncPowerStates(this.#ctx(), this.host, observations);
  }

  #methods() {
    const known = this.objectVersions.Instance ?? InstanceObject.version;
    const instanceOf = (a: Record<string, unknown>): Instance =>
      fromPrimitive(InstanceObject, a.instance, known);
    return {
      spawn_instance: {
        since: "1.0",
        handle: (ctx: RequestContext, a: Record<string, unknown>, version: string) => {
          const attempt =
            compareVersions(version, "1.1") >= 0 && typeof a.attempt === "number"
              ? a.attempt
              : null;
          return this.#spawn(ctx, instanceOf(a), attempt);
        },
      },
      terminate_instance: {
        since: "1.0",
        handle: (ctx: RequestContext, a: Record<string, unknown>) =>
          this.#terminate(ctx, instanceOf(a)),
      },
      power_action: {
        since: "1.0",
        handle: (ctx: RequestContext, a: Record<string, unknown>) =>
          this.#powerAction(ctx, instanceOf(a), String(a.op)),
      },
    };
  }

  #spawn(ctx: RequestContext, instance: Instance, attempt: number | null): Promise<ComputeResult> {
    return this.#inLane(instance.uuid, "spawn", async (client, startTime) => {
      // A terminate that overtook this spawn in the queue wins: never create
      // an instance that has already been deleted.
      if (this.#terminated.has(instance.uuid)) {
        throw new ComputeFailure(
          this.host,
          "spawn",
          "NOVA_DELETED",
          "instance was deleted before it was spawned",
        );
      }
      try {
        const info = await client.spawn(toSpawnRequest(instance), { requestId: ctx.requestId });
        return this.#result(
          "compute_spawn_instance",
          startTime,
          powerStateFromDriver(info.powerState),
          { attempt },
        );
      } catch (err) {
        // A spawn whose deadline passed may still be creating the domain.
        // Once the driver's own call settled, remove whatever it made, since
        // the build moves elsewhere; never destroy while it still runs (one
        // operation per instance). If it does not settle, the instance is
        // marked for reconcile and the stray is reported at the next start.
        if (isDriverError(err) && err.code === ErrorCode.Timeout) {
          if (await this.#tracker.settled(instance.uuid, this.#config.settleGraceMs ?? 30_000)) {
            await client.destroy(instance.uuid, { requestId: ctx.requestId }).catch(() => {});
          } else {
            this.#needsReconcile.add(instance.uuid);
          }
        }
        throw err;
      }
    });
  }

  #terminate(ctx: RequestContext, instance: Instance): Promise<ComputeResult> {
    this.#terminated.add(instance.uuid);
    if (this.#terminated.size > TOMBSTONES) {
      const oldest = this.#terminated.values().next().value;
      if (oldest !== undefined) this.#terminated.delete(oldest);
    }
    return this.#inLane(instance.uuid, "destroy", async (client, startTime) => {
      await client.destroy(instance.uuid, { requestId: ctx.requestId });
      return this.#result("compute_terminate_instance", startTime, "nostate", {});
    });
  }

  #powerAction(ctx: RequestContext, instance: Instance, op: string): Promise<ComputeResult> {
    return this.#inLane(instance.uuid, op, async (client, startTime) => {
      await runDriverOp(client, instance.uuid, op, ctx.requestId);
      const observed = await this.#readBack(instance.uuid);
      if (!observed)
        throw new ComputeFailure(
          this.host,
          op,
          ErrorCode.InstanceNotFound,
          "instance vanished after the operation",
        );
      return { ...observed, event: { name: `compute_${op}`, startTime, details: {} } };
    });
  }

  /**
   * Runs one operation in the instance's lane. A timed-out driver call
   * keeps the lane until the driver's own call settles (or the grace period
   * ends, and the instance is marked for reconcile); the failure goes back
   * as ComputeFailure with the power state read back, when it can be read.
   */
  #inLane(
    uuid: string,
    op: string,
    work: (client: DriverClient, startTime: number) => Promise<ComputeResult>,
  ): Promise<ComputeResult> {
    const client = this.#requireClient();
    return this.#lanes.run(uuid, async () => {
      if (this.#needsReconcile.has(uuid) && !this.#tracker.pending(uuid)) {
        this.#needsReconcile.delete(uuid);
        const observed = await this.#readBack(uuid);
        if (observed) this.#queue({ uuid, ...observed });
      }
      const startTime = Date.now();
      try {
        return await work(client, startTime);
      } catch (err) {
        if (isDriverError(err) && err.code === ErrorCode.Timeout) {
          const settled = await this.#tracker.settled(uuid, this.#config.settleGraceMs ?? 30_000);
          if (!settled) this.#needsReconcile.add(uuid);
        }
        if (err instanceof ComputeFailure) throw err;
        const observed = this.#needsReconcile.has(uuid) ? undefined : await this.#readBack(uuid);
        const code = isDriverError(err) ? err.code : "NOVA_ERR_INTERNAL";
        throw new ComputeFailure(
          this.host,
          op,
          code,
          (err as Error)?.message ?? String(err),
          observed,
        );
      }
    });
  }

  async #readBack(uuid: string): Promise<ObservedPower | undefined> {
    try {
      const info = await this.#requireClient().getInstanceInfo(uuid);
      return { powerState: powerStateFromDriver(info.powerState), stamp: this.#clock.next() };
    } catch {
      return undefined;
    }
  }

  #result(
    name: string,
    startTime: number,
    powerState: string,
    details: Record<string, unknown>,
  ): ComputeResult {
    return { powerState, stamp: this.#clock.next(), event: { name, startTime, details } };
  }

  #onEvent(event: LifecycleEvent): void {
    this.#queue({
      uuid: event.instanceUuid,
      powerState: powerStateFromDriver(event.powerState),
      stamp: this.#clock.next(),
    });
  }

  /** Events go to the conductor in batches, one cast per turn of the event loop. */
  #queue(observation: PowerObservation): void {
    this.#pendingEvents.push(observation);
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(() => void this.#flush());
  }

  async #flush(): Promise<void> {
    this.#flushScheduled = false;
    const batch = this.#pendingEvents;
    if (batch.length === 0) return;
    this.#pendingEvents = [];
    await this.#conductor.powerStates(this.#ctx(), this.host, batch).catch((err: unknown) => {
      this.#logger.warn("could not forward lifecycle events", { error: String(err) });
    });
  }

  async #heartbeat(): Promise<void> {
    const result = await this.#conductor.heartbeat(this.#ctx(), this.host, BINARY);
    this.#pins.set(result.pins);
  }

  async #reportResources(): Promise<void> {
    await this.#conductor.reportHost(this.#ctx(), await this.#hostReport());
  }

  #hostReport(): Promise<HostReport> {
    return buildHostReport(this.host, this.#requireClient(), this.#config);
  }

  #requireClient(): DriverClient {
    if (!this.#client) throw new Error(`compute agent ${this.host} is not started`);
    return this.#client;
  }

  #ctx(): RequestContext {
    return {
      requestId: `req-${randomUUID()}`,
      projectId: "system",
      userId: `compute:${this.host}`,
    };
  }
}
