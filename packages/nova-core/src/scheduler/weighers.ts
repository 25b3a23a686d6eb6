import type { RequestSpec } from "../objects/request-spec.js";
import type { Inventory, ResourceProvider } from "../objects/resource-provider.js";

/**
 * A weigher scores a host that passed every filter; higher wins. Scores are
 * fractions of the host's own capacity, so hosts of different sizes compare.
 * Like filters, a weigher is prepared once per request.
 *
 * @public
 */
export interface HostWeigher {
  readonly name: string;
  /** Multiplies the score; a negative one turns spreading into packing. */
  readonly multiplier: number;
  prepare(spec: RequestSpec): (host: ResourceProvider) => number;
}

function freeFraction(inv: Inventory | undefined, used: number | undefined): number {
  if (inv === undefined) return 0;
  const capacity = (inv.total - inv.reserved) * inv.allocationRatio;
  return capacity <= 0 ? 0 : (Math.floor(capacity) - (used ?? 0)) / capacity;
}

/** Nova's RAMWeigher, by free fraction. @public */
export function ramWeigher(multiplier: number): HostWeigher {
  return {
    name: "RAMWeigher",
    multiplier,
    prepare: () => (h) => multiplier * freeFraction(h.inventories.MEMORY_MB, h.usage.MEMORY_MB),
  };
}

/** Nova's CPUWeigher, by free fraction. @public */
export function cpuWeigher(multiplier: number): HostWeigher {
  return {
    name: "CPUWeigher",
    multiplier,
    prepare: () => (h) => multiplier * freeFraction(h.inventories.VCPU, h.usage.VCPU),
  };
}

/** spread (the default) puts each instance on the emptiest host; pack on the fullest. @public */
export type PlacementStrategy = "spread" | "pack";

/** The weighers of a strategy. @public */
export function weighersFor(strategy: PlacementStrategy): HostWeigher[] {
  const sign = strategy === "spread" ? 1 : -1;
  return [ramWeigher(sign * 1), cpuWeigher(sign * 0.5)];
}

/** The weighers prepared for one request, summed into one score per host. @public */
export function prepareWeighers(
  weighers: readonly HostWeigher[],
  spec: RequestSpec,
): (host: ResourceProvider) => number {
  const scores = weighers.map((w) => w.prepare(spec));
  if (scores.length === 2) {
    const [a, b] = scores as [(h: ResourceProvider) => number, (h: ResourceProvider) => number];
    return (h) => a(h) + b(h);
  }
  return (h) => {
    let total = 0;
    for (const score of scores) total += score(h);
    return total;
  };
}
