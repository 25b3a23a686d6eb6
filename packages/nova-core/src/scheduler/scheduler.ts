import { randomInt } from "node:crypto";
import type { ConductorRpcClient } from "../conductor/rpcapi.js";
import { NoValidHost } from "../errors.js";
import { KeyedLanes } from "../lanes/keyed-lanes.js";
import { fromPrimitive, toPrimitive } from "../objects/base.js";
import { CURRENT_OBJECT_VERSIONS } from "../objects/registry.js";
import { type RequestSpec, RequestSpecObject, SelectionObject } from "../objects/request-spec.js";
import { type ResourceProvider, ResourceProviderObject } from "../objects/resource-provider.js";
import { RPC_APIS } from "../rpc/api-versions.js";
import type { RequestContext } from "../rpc/message.js";
import { RpcServer } from "../rpc/server.js";
import type { Transport } from "../rpc/transport.js";
import { DEFAULT_FILTERS } from "./filters/builtin.js";
import type { HostCheck, HostFilter } from "./filters/filter.js";
import { HostView } from "./host-view.js";

interface ClaimDelta {
  providerId: number;
  generation: number;
  resources: Record<string, number>;
}

import { type PlacementStrategy, prepareWeighers, weighersFor } from "./weighers.js";

/** @public */
export interface SchedulerConfig {
  /** spread (default) or pack. */
  readonly strategy: PlacementStrategy;
  /** The filter profile, in order; default every built-in filter. */
  readonly filters?: readonly HostFilter[];
  /**
   * Stop looking once this many hosts passed the filters, or the adaptive
   * share of a large cloud, whichever is more. Default 100.
   */
  readonly minHostsToScore: number;
  /**
   * The adaptive share's floor, in percent. The share follows
   * kube-scheduler's percentageOfNodesToScore (50% minus 1% per 125 hosts)
   * down to this floor; kube's is 5, the default here is 2 (200 hosts of
   * 10,000). Only how many candidates are weighed depends on it: whether a
   * host fits is decided exactly, by the filters and again by the claim.
   * 100 weighs every host that passes.
   */
  readonly minPercentageToScore?: number;
  /** Pick at random among this many best hosts, so schedulers collide less (Nova's host_subset_size). Default 1. */
  readonly hostSubsetSize: number;
  /** Claims retried on fresh data before giving up on one request. Default 16. */
  readonly maxClaimRetries: number;
}

const BINARY = "nova-scheduler";

/**
 * A scheduler: filters and weighs the hosts of its in-memory view, then
 * claims on the best one through the conductor, retrying on fresh data
 * when the claim raced another. Several can run at once; the claims'
 * compare-and-swap on the provider generation keeps them from overcommitting.
 *
 * @public
 */
export class Scheduler {
  readonly name: string;
  readonly #view = new HostView();
  readonly #providerLanes = new KeyedLanes();
  readonly #server: RpcServer;
  readonly #conductor: ConductorRpcClient;
  readonly #config: SchedulerConfig;
  readonly #filters: readonly HostFilter[];
  readonly #weighers;
  #lastFullRefresh = 0;
  /** Placements, claim conflicts and refusals, for benchmarks and tests. */
  readonly stats = {
    placed: 0,
    conflicts: 0,
    refused: 0,
    fullRefreshes: 0,
    conflictReasons: {} as Record<string, number>,
  };

  constructor(
    transport: Transport,
    conductor: ConductorRpcClient,
    config: SchedulerConfig,
    name = "scheduler",
  ) {
    this.name = name;
    this.#conductor = conductor;
    this.#config = config;
    this.#filters = config.filters ?? DEFAULT_FILTERS;
    this.#weighers = weighersFor(config.strategy);
    this.#server = new RpcServer(transport, {
      topic: "scheduler",
      server: name,
      version: RPC_APIS.scheduler.current,
      methods: {
        select_destination: {
          since: "1.0",
          handle: async (ctx, a) =>
            toPrimitive(
              SelectionObject,
              await this.selectDestination(ctx, fromPrimitive(RequestSpecObject, a.spec)),
            ),
        },
        providers_claimed: {
          since: "1.0",
          handle: async (_ctx, a) => {
            for (const d of a.deltas as ClaimDelta[])
              this.#view.claimedElsewhere(d.providerId, d.generation, d.resources);
            return null;
          },
        },
        providers_changed: {
          since: "1.0",
          handle: async (_ctx, a) => {
            for (const p of a.providers as unknown[])
              this.#view.apply(fromPrimitive(ResourceProviderObject, p));
            return null;
          },
        },
      },
    });
  }

  async start(ctx: RequestContext): Promise<void> {
    await this.#server.start();
    await this.refresh(ctx);
    await this.#conductor.registerService(ctx, {
      host: this.name,
      binary: BINARY,
      topic: "scheduler",
      rpcVersion: RPC_APIS.scheduler.current,
      objectVersions: CURRENT_OBJECT_VERSIONS,
    });
  }

  async stop(ctx: RequestContext): Promise<void> {
    await this.#server.stop();
    await this.#conductor.serviceStopped(ctx, this.name, BINARY).catch(() => {});
  }

  /** Reloads every provider (at start, periodically, and before refusing a request). */
  async refresh(ctx: RequestContext): Promise<void> {
    this.#view.replaceAll(await this.#conductor.allProviders(ctx));
    this.#lastFullRefresh = Date.now();
    this.stats.fullRefreshes += 1;
  }

  /** Picks a host for `spec` and claims its resources there. */
  async selectDestination(ctx: RequestContext, spec: RequestSpec) {
    let refreshed = false;
    for (let attempt = 0; attempt <= this.#config.maxClaimRetries; attempt++) {
      const choice = this.#choose(spec);
      if (!choice.host) {
        // Our view may lag behind releases we were not told of: look again
        // once, on fresh data, before refusing (at most once a second).
        if (!refreshed && Date.now() - this.#lastFullRefresh > 1000) {
          refreshed = true;
          await this.refresh(ctx);
          continue;
        }
        this.stats.refused += 1;
        throw new NoValidHost(choice.summary, choice.refusals);
      }
      const host = choice.host;
      this.#view.reserve(host.id, spec.resources);
      // One claim at a time per provider from this scheduler, each at the
      // generation the previous one left: this scheduler never races itself.
      const placed = await this.#providerLanes.run(String(host.id), async () => {
        try {
          const result = await this.#conductor.claim(ctx, {
            instanceUuid: spec.instanceUuid,
            providerId: host.id,
            generation: host.generation,
            resources: spec.resources,
          });
          if (result.claimed) {
            this.#view.confirm(host.id, result.generation, spec.resources);
            return result.generation;
          }
          this.#view.cancel(host.id, spec.resources);
          this.stats.conflictReasons[result.reason] =
            (this.stats.conflictReasons[result.reason] ?? 0) + 1;
          if (result.provider !== null)
            this.#view.apply(fromPrimitive(ResourceProviderObject, result.provider));
          // The group moved under us: filter the retry with where its members are now.
          if (result.groupHosts && spec.group) spec.group.hosts = [...result.groupHosts];
          return undefined;
        } catch (err) {
          this.#view.cancel(host.id, spec.resources);
          throw err;
        }
      });
      if (placed !== undefined) {
        this.stats.placed += 1;
        return {
          host: host.name,
          providerId: host.id,
          generation: placed,
          allocations: spec.resources,
        };
      }
      this.stats.conflicts += 1;
    }
    this.stats.refused += 1;
    throw new NoValidHost(`claims kept conflicting after ${this.#config.maxClaimRetries} retries`);
  }

  /** Filters a share of the hosts, weighs those that pass, and picks one of the best. */
  #choose(spec: RequestSpec): {
    host?: ResourceProvider;
    summary: string;
    refusals: Record<string, number>;
  } {
    const { hosts, start, advance } = this.#view.walk();
    const n = hosts.length;
    const share = Math.max(this.#config.minPercentageToScore ?? 2, 50 - n / 125);
    const want = Math.max(this.#config.minHostsToScore, Math.ceil((n * share) / 100));
    const checks = this.#filters.flatMap((f) => {
      const check = f.prepare(spec);
      return check === null ? [] : [check];
    });
    const passed: ResourceProvider[] = [];
    const refusals: Record<string, number> = {};
    let seen = 0;
    for (; seen < n && passed.length < want; seen++) {
      const host = hosts[(start + seen) % n] as ResourceProvider;
      let reason: string | null = null;
      for (let i = 0; i < checks.length && reason === null; i++)
        reason = (checks[i] as HostCheck)(host);
      if (reason === null) passed.push(host);
      else refusals[reason] = (refusals[reason] ?? 0) + 1;
    }
    advance(seen);
    if (passed.length === 0) {
      const parts = Object.entries(refusals)
        .sort((a, b) => b[1] - a[1])
        .map(([reason, count]) => `${count} ${reason}`);
      return { summary: `0/${n} hosts: ${parts.join(", ") || "no hosts"}`, refusals };
    }
    return { host: this.#best(passed, spec), summary: "", refusals };
  }

  #best(passed: readonly ResourceProvider[], spec: RequestSpec): ResourceProvider {
    const score = prepareWeighers(this.#weighers, spec);
    const k = Math.min(this.#config.hostSubsetSize, passed.length);
    if (k <= 1) {
      // The common case: one pass for the maximum, no sort.
      let best = passed[0] as ResourceProvider;
      let bestScore = score(best);
      for (let i = 1; i < passed.length; i++) {
        const h = passed[i] as ResourceProvider;
        const s = score(h);
        if (s > bestScore) {
          best = h;
          bestScore = s;
        }
      }
      return best;
    }
    const scored = passed.map((h) => ({ h, s: score(h) })).sort((x, y) => y.s - x.s);
    return (scored[randomInt(k)] ?? scored[0])?.h as ResourceProvider;
  }
}
