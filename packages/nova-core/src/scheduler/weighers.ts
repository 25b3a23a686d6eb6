import type { RequestSpec } from "../objects/request-spec.js";
import { freeCapacity, type ResourceProvider } from "../objects/resource-provider.js";

/**
 * A weigher scores a host that passed every filter; higher wins. Scores are
 * fractions of the host's own capacity, so hosts of different sizes compare.
 *
 * @public
 */
export interface HostWeigher {
  readonly name: string;
  /** Multiplies the score; a negative one turns spreading into packing. */
  readonly multiplier: number;
  weigh(host: ResourceProvider, spec: RequestSpec): number;
}

function freeFraction(host: ResourceProvider, rc: string): number {
  const inv = host.inventories[rc];
  if (!inv) return 0;
  const capacity = (inv.total - inv.reserved) * inv.allocationRatio;
  return capacity <= 0 ? 0 : freeCapacity(host, rc) / capacity;
}

/** Nova's RAMWeigher and CPUWeigher, by free fraction. @public */
export function ramWeigher(multiplier: number): HostWeigher {
  return { name: "RAMWeigher", multiplier, weigh: (h) => freeFraction(h, "MEMORY_MB") };
}

/** @public */
export function cpuWeigher(multiplier: number): HostWeigher {
  return { name: "CPUWeigher", multiplier, weigh: (h) => freeFraction(h, "VCPU") };
}

/** spread (the default) puts each instance on the emptiest host; pack on the fullest. @public */
export type PlacementStrategy = "spread" | "pack";

/** The weighers of a strategy. @public */
export function weighersFor(strategy: PlacementStrategy): HostWeigher[] {
  const sign = strategy === "spread" ? 1 : -1;
  return [ramWeigher(sign * 1), cpuWeigher(sign * 0.5)];
}

/** The total weight of a host. @public */
export function weigh(
  host: ResourceProvider,
  spec: RequestSpec,
  weighers: readonly HostWeigher[],
): number {
  let score = 0;
  for (const w of weighers) score += w.multiplier * w.weigh(host, spec);
  return score;
}
