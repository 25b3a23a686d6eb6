import { defineObject } from "./base.js";

/** One resource class's inventory on a provider, as Placement has it. @public */
export interface Inventory {
  total: number;
  reserved: number;
  allocationRatio: number;
}

/**
 * A compute host as the scheduler sees it: a resource provider with its
 * inventories, usage, traits and aggregates, at one generation. The usage is
 * exactly what the provider's allocations added up to at that generation.
 *
 * @public
 */
export interface ResourceProvider {
  id: number;
  name: string;
  generation: number;
  disabled: boolean;
  /** False when the host's compute service stopped or missed its heartbeats. */
  up: boolean;
  availabilityZone: string;
  traits: string[];
  /** Aggregate metadata the host belongs to, one record per aggregate. */
  aggregates: Record<string, string>[];
  inventories: Record<string, Inventory>;
  usage: Record<string, number>;
}

/** @public */
export const ResourceProviderObject = defineObject<ResourceProvider>({
  name: "ResourceProvider",
  version: "1.0",
  fields: {
    id: { type: "int" },
    name: { type: "string" },
    generation: { type: "int" },
    disabled: { type: "bool" },
    up: { type: "bool" },
    availabilityZone: { type: "string" },
    traits: { type: "string[]" },
    aggregates: { type: "json" },
    inventories: { type: "json" },
    usage: { type: "json" },
  },
});

/** Capacity left in one class: (total - reserved) * ratio - used. @public */
export function freeCapacity(p: ResourceProvider, resourceClass: string): number {
  const inv = p.inventories[resourceClass];
  if (!inv) return 0;
  return (
    Math.floor((inv.total - inv.reserved) * inv.allocationRatio) - (p.usage[resourceClass] ?? 0)
  );
}
