import { randomUUID } from "node:crypto";
import {
  type Capability,
  type ComputeDriver,
  createDriverHost,
  DriverClient,
  type DriverDefinition,
  type DriverInfo,
  isDriverError,
  type LifecycleEvent,
  type LifecycleEventType,
  type LoadedDriver,
  loadDriver,
  type PowerState,
  type SpawnRequest,
} from "@novakit/driver-api";
import { type CallStats, instrument } from "./call-stats.js";
import type { ResolvedSuiteOptions } from "./options.js";

/** The metadata key that marks every instance the suite creates with its run id. */
export const RUN_METADATA_KEY = "novakit-conformance-run";

/** Thrown by a test step that cannot run on this driver; the test is skipped with the message. */
export class NotApplicable extends Error {}

/**
 * The state one suite run shares between its tests: the driver, what it
 * declared, the events it emitted, and every instance the suite created, so
 * each can be removed after its test whatever happened.
 */
export class SuiteContext {
  readonly options: ResolvedSuiteOptions;
  loaded: LoadedDriver | undefined;
  client!: DriverClient;
  driver!: ComputeDriver;
  info!: DriverInfo;
  capabilities: ReadonlySet<Capability> = new Set();
  readonly events: LifecycleEvent[] = [];
  readonly invalidEvents: { value: unknown; reason: string }[] = [];
  /** While set, each event's instance is read back the moment the event arrives (C-EVENT-6). */
  probeEvents = false;
  /** The power state getInstanceInfo gave right after each probed event. */
  readonly eventProbes: { event: LifecycleEvent; observed: string }[] = [];
  /** Instances created by the current test and not yet known to be gone. */
  readonly tracked = new Set<string>();
  /** Instances that were still there after the suite destroyed them, with the test that made them. */
  readonly leaks: Leak[] = [];
  /** Driver calls and waits, so reports can show the suite's own cost. */
  readonly stats: CallStats = { driverCalls: 0, driverMs: 0, eventWaitMs: 0 };
  /** When setup began (performance.now()). */
  startedAt = 0;
  #serial = 0;
  #eventWaiters: (() => void)[] = [];

  constructor(options: ResolvedSuiteOptions) {
    this.options = options;
  }

  /** Loads the driver the way the core would, but with request validation left to the driver. */
  async setup(): Promise<void> {
    this.startedAt = performance.now();
    const hostOptions = {
      onEvent: (event: LifecycleEvent) => {
        this.events.push(event);
        if (this.probeEvents) this.#probe(event);
        for (const wake of this.#eventWaiters.splice(0)) wake();
      },
      onInvalidEvent: (value: unknown, reason: string) => {
        this.invalidEvents.push({ value, reason });
      },
    };
    // validateRequests is off so that bad requests reach the driver: the
    // suite certifies the driver's own validation, not the core's guard.
    const clientOptions = { validateRequests: false, timeoutsMs: {} };
    if (typeof this.options.driver === "string") {
      this.loaded = await loadDriver(this.options.driver, this.options.config, {
        ...hostOptions,
        fromDir: this.options.fromDir,
        client: clientOptions,
      });
      this.driver = instrument(this.loaded.driver, this.stats);
      this.client = new DriverClient(this.driver, {
        ...clientOptions,
        contract: this.loaded.manifest.contract,
      });
    } else {
      const definition = this.options.driver as DriverDefinition;
      this.driver = instrument(
        definition.create(this.options.config, createDriverHost(hostOptions)),
        this.stats,
      );
      this.client = new DriverClient(this.driver, {
        ...clientOptions,
        contract: definition.contract,
      });
    }
    this.info = await this.client.init(this.call());
    this.capabilities = this.client.capabilities;
  }

  /** Removes every instance this run created that is still there, then closes the driver. */
  async teardown(): Promise<void> {
    if (!this.client) return;
    try {
      await this.cleanupTracked();
      await this.sweep();
    } finally {
      await this.client.close(this.call()).catch(() => {});
    }
  }

  /** Call options: the suite's deadline on every call. */
  call(): { timeoutMs: number; requestId: string } {
    return {
      timeoutMs: this.options.callTimeoutMs,
      requestId: `nkc-${this.options.runId}-${++this.#serial}`,
    };
  }

  /** A valid spawn request, named and marked with this run's id. */
  request(overrides: Partial<SpawnRequest> = {}): SpawnRequest {
    const n = ++this.#serial;
    const { image, flavor } = this.options;
    return {
      uuid: randomUUID(),
      name: `nkc-${this.options.runId}-${n}`,
      flavor: { name: "nkc.tiny", ...flavor },
      image: { ...image },
      owner: { projectId: "novakit-conformance", userId: "novakit-conformance" },
      metadata: { [RUN_METADATA_KEY]: this.options.runId },
      ...overrides,
    };
  }

  #probe(event: LifecycleEvent): void {
    // Started in the event's own turn: a driver that announces a state
    // before it holds it is caught reading back the old one.
    this.client.getInstanceInfo(event.instanceUuid, this.call()).then(
      (info) => this.eventProbes.push({ event, observed: info.powerState }),
      (err: unknown) => this.eventProbes.push({ event, observed: `error: ${describeError(err)}` }),
    );
  }

  /** Records an instance this test made, so it is destroyed after the test. */
  track(uuid: string): void {
    this.tracked.add(uuid);
  }

  /** Spawns through the guard and tracks the instance for cleanup. */
  async spawn(overrides: Partial<SpawnRequest> = {}): Promise<SpawnRequest> {
    const request = this.request(overrides);
    this.tracked.add(request.uuid);
    await this.client.spawn(request, this.call());
    return request;
  }

  /** Takes a running instance into `state` through the contract, or says why it cannot. */
  async driveTo(uuid: string, state: PowerState): Promise<void> {
    const c = this.call();
    switch (state) {
      case "running":
        return;
      case "paused":
        return this.client.pause(uuid, c);
      case "suspended":
        if (!this.capabilities.has("suspend")) {
          throw new NotApplicable(
            'the driver does not have "suspend", so no instance of it is ever suspended',
          );
        }
        return this.client.suspend(uuid, c);
      case "stopped":
        return this.client.powerOff(uuid, { graceMs: this.options.powerOffGraceMs }, c);
      case "crashed":
        throw new NotApplicable(
          "no contract operation crashes an instance, so this row cannot be reached by the suite",
        );
    }
  }

  /** The events for one instance, from index `since` of the run's event log. */
  eventsFor(uuid: string, since = 0): LifecycleEvent[] {
    return this.events.slice(since).filter((e) => e.instanceUuid === uuid);
  }

  /**
   * Waits until the instance has emitted `expected` (by type) since `since`,
   * then a settle period for stray extras, and returns what it emitted.
   */
  async eventsAfter(
    uuid: string,
    since: number,
    expected: readonly LifecycleEventType[],
  ): Promise<LifecycleEvent[]> {
    const started = performance.now();
    const deadline = Date.now() + this.options.eventTimeoutMs;
    while (this.eventsFor(uuid, since).length < expected.length && Date.now() < deadline) {
      await this.#nextEvent(deadline - Date.now());
    }
    await sleep(this.options.eventSettleMs);
    this.stats.eventWaitMs += performance.now() - started;
    return this.eventsFor(uuid, since);
  }

  #nextEvent(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, Math.max(1, ms));
      this.#eventWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /**
   * Destroys what the current test created; anything that survives its
   * destroy is a leak, named with `test`. Each instance is checked once and
   * then dropped, whatever happens: a driver whose answers cannot be read
   * must not make every later test retry, and fail on, this one's instances.
   * An instance the driver still lists is given the event timeout to go.
   */
  async cleanupTracked(test = "(unknown test)"): Promise<void> {
    for (const uuid of [...this.tracked]) {
      this.tracked.delete(uuid);
      let destroyError: string | undefined;
      try {
        await this.client.destroy(uuid, this.call());
      } catch (err) {
        destroyError = describeError(err);
      }
      // A driver may finish a removal just after destroy resolves: wait for
      // it, until it has shown three real leaks (then waiting is only slow).
      const grace = this.leaks.length >= 3 ? 0 : this.options.eventTimeoutMs;
      const present = await this.presentWithin(uuid, grace);
      if (present !== false) {
        this.leaks.push({
          uuid,
          test,
          why:
            present === true
              ? `still there after destroy${destroyError ? ` (destroy rejected: ${destroyError})` : ""}`
              : `cannot tell whether it is gone: ${present.unknown}`,
        });
      }
    }
  }

  /**
   * Whether the instance is still there once `ms` have passed (polling), or,
   * when neither getInstanceInfo nor listInstances answers, why not.
   */
  async presentWithin(uuid: string, ms: number): Promise<boolean | { unknown: string }> {
    const deadline = Date.now() + ms;
    for (;;) {
      let present: boolean | { unknown: string };
      try {
        present = await this.exists(uuid);
      } catch (err) {
        // getInstanceInfo is broken: the listing may still answer.
        try {
          present = (await this.client.listInstances(this.call())).some((i) => i.uuid === uuid);
        } catch {
          present = { unknown: describeError(err) };
        }
      }
      if (present !== true || Date.now() >= deadline) return present;
      await sleep(Math.min(100, ms));
    }
  }

  /** Finds instances of this run that nobody tracked (an interrupted test), and removes them. */
  async sweep(): Promise<string[]> {
    const found: string[] = [];
    const listed = await this.client.listInstances(this.call());
    for (const { uuid } of listed) {
      try {
        const info = await this.client.getInstanceInfo(uuid, this.call());
        if (info.metadata[RUN_METADATA_KEY] !== this.options.runId) continue;
        found.push(uuid);
        await this.client.destroy(uuid, this.call());
      } catch {
        // gone meanwhile, or unreadable: not ours to judge here
      }
    }
    return found;
  }

  async exists(uuid: string): Promise<boolean> {
    try {
      await this.client.getInstanceInfo(uuid, this.call());
      return true;
    } catch (err) {
      if (isDriverError(err, "NOVAKIT_INSTANCE_NOT_FOUND")) return false;
      throw err;
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** An instance the suite could not remove, and the test that made it. */
export interface Leak {
  readonly uuid: string;
  readonly test: string;
  readonly why: string;
}

/** An error as a line: its contract code, if any, and its message. */
export function describeError(err: unknown): string {
  const code = (err as { code?: unknown })?.code;
  const message = (err as Error)?.message ?? String(err);
  return typeof code === "string" ? `${code}: ${message}` : message;
}
