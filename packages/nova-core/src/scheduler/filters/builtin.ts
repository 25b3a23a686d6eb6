import type { Inventory } from "../../objects/resource-provider.js";
import type { HostFilter } from "./filter.js";

// The filters Nova enables by default (and the two server-group ones),
// each a plugin behind HostFilter. Cheapest first: the scheduler runs them
// in order and stops at the first refusal.

/** Nova's ComputeFilter: the host's compute service is up and enabled. @public */
export const computeFilter: HostFilter = {
  name: "ComputeFilter",
  prepare: () => (host) => (!host.up ? "host down" : host.disabled ? "host disabled" : null),
};

/** The retry filter: not a host an earlier attempt of this build failed on. @public */
export const ignoreHostsFilter: HostFilter = {
  name: "IgnoreHostsFilter",
  prepare: (spec) => {
    if (spec.ignoreHosts.length === 0) return null;
    const ignored = new Set(spec.ignoreHosts);
    return (host) => (ignored.has(host.name) ? "failed an earlier attempt" : null);
  },
};

/** Capacity left in one inventory: (total - reserved) * ratio - used. */
function free(inv: Inventory | undefined, used: number | undefined): number {
  return inv === undefined
    ? 0
    : Math.floor((inv.total - inv.reserved) * inv.allocationRatio) - (used ?? 0);
}

/**
 * Placement's own check: every requested class fits in (total - reserved) *
 * ratio - used. The three standard classes are read by name (the walk over
 * thousands of hosts is the scheduler's hottest loop, and a property read by
 * a constant name is the fastest there is); any other class by key.
 *
 * @public
 */
export const resourcesFilter: HostFilter = {
  name: "ResourcesFilter",
  prepare: (spec) => {
    const { VCPU: vcpu = 0, MEMORY_MB: ram = 0, DISK_GB: disk = 0, ...rest } = spec.resources;
    const others = Object.entries(rest).filter(([, n]) => n > 0);
    return (host) => {
      const inv = host.inventories;
      const used = host.usage;
      if (vcpu > 0 && free(inv.VCPU, used.VCPU) < vcpu) return "insufficient VCPU";
      if (ram > 0 && free(inv.MEMORY_MB, used.MEMORY_MB) < ram) return "insufficient MEMORY_MB";
      if (disk > 0 && free(inv.DISK_GB, used.DISK_GB) < disk) return "insufficient DISK_GB";
      for (const [rc, amount] of others)
        if (free(inv[rc], used[rc]) < amount) return `insufficient ${rc}`;
      return null;
    };
  },
};

/** Nova's AvailabilityZoneFilter. @public */
export const availabilityZoneFilter: HostFilter = {
  name: "AvailabilityZoneFilter",
  prepare: (spec) => {
    const zone = spec.availabilityZone;
    if (zone === null) return null;
    const reason = `not in availability zone ${zone}`;
    return (host) => (host.availabilityZone === zone ? null : reason);
  },
};

/** Nova's AggregateInstanceExtraSpecsFilter: an aggregate of the host carries every key=value asked for. @public */
export const aggregateFilter: HostFilter = {
  name: "AggregateInstanceExtraSpecsFilter",
  prepare: (spec) => {
    const wanted = Object.entries(spec.aggregateSpecs);
    if (wanted.length === 0) return null;
    return (host) => {
      for (const [key, want] of wanted) {
        if (!host.aggregates.some((a) => a[key] === want))
          return `no aggregate with ${key}=${want}`;
      }
      return null;
    };
  },
};

/** Placement's required and forbidden traits, from flavor extra specs trait:X=required|forbidden. @public */
export const traitsFilter: HostFilter = {
  name: "TraitsFilter",
  prepare: (spec) => {
    const { requiredTraits: required, forbiddenTraits: forbidden } = spec;
    if (required.length + forbidden.length === 0) return null;
    return (host) => {
      for (const t of required) if (!host.traits.includes(t)) return `missing trait ${t}`;
      for (const t of forbidden) if (host.traits.includes(t)) return `forbidden trait ${t}`;
      return null;
    };
  },
};

/** Nova's ServerGroupAntiAffinityFilter. @public */
export const antiAffinityFilter: HostFilter = {
  name: "ServerGroupAntiAffinityFilter",
  prepare: (spec) => {
    if (spec.group?.policy !== "anti-affinity") return null;
    const taken = new Set(spec.group.hosts);
    return (host) => (taken.has(host.name) ? "anti-affinity: a group member is here" : null);
  },
};

/** Nova's ServerGroupAffinityFilter. @public */
export const affinityFilter: HostFilter = {
  name: "ServerGroupAffinityFilter",
  prepare: (spec) => {
    if (spec.group?.policy !== "affinity" || spec.group.hosts.length === 0) return null;
    const home = new Set(spec.group.hosts);
    return (host) => (home.has(host.name) ? null : "affinity: the group is elsewhere");
  },
};

/** The default profile, in the order the filters run. @public */
export const DEFAULT_FILTERS: readonly HostFilter[] = [
  computeFilter,
  ignoreHostsFilter,
  resourcesFilter,
  availabilityZoneFilter,
  aggregateFilter,
  traitsFilter,
  antiAffinityFilter,
  affinityFilter,
];
