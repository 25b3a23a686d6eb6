import { freeCapacity } from "../../objects/resource-provider.js";
import type { HostFilter } from "./filter.js";

// The filters Nova enables by default (and the two server-group ones),
// each a plugin behind HostFilter. Cheapest first: the scheduler runs them
// in order and stops at the first refusal.

/** Nova's ComputeFilter: the host's compute service is up and enabled. @public */
export const computeFilter: HostFilter = {
  name: "ComputeFilter",
  filter: (host) => (!host.up ? "host down" : host.disabled ? "host disabled" : null),
};

/** The retry filter: not a host an earlier attempt of this build failed on. @public */
export const ignoreHostsFilter: HostFilter = {
  name: "IgnoreHostsFilter",
  filter: (host, spec) =>
    spec.ignoreHosts.includes(host.name) ? "failed an earlier attempt" : null,
};

/** Placement's own check: every requested class fits in (total - reserved) * ratio - used. @public */
export const resourcesFilter: HostFilter = {
  name: "ResourcesFilter",
  filter: (host, spec) => {
    for (const rc in spec.resources) {
      const amount = spec.resources[rc] ?? 0;
      if (amount > 0 && freeCapacity(host, rc) < amount) return `insufficient ${rc}`;
    }
    return null;
  },
};

/** Nova's AvailabilityZoneFilter. @public */
export const availabilityZoneFilter: HostFilter = {
  name: "AvailabilityZoneFilter",
  filter: (host, spec) =>
    spec.availabilityZone === null || host.availabilityZone === spec.availabilityZone
      ? null
      : `not in availability zone ${spec.availabilityZone}`,
};

/** Nova's AggregateInstanceExtraSpecsFilter: an aggregate of the host carries every key=value asked for. @public */
export const aggregateFilter: HostFilter = {
  name: "AggregateInstanceExtraSpecsFilter",
  filter: (host, spec) => {
    for (const key in spec.aggregateSpecs) {
      const want = spec.aggregateSpecs[key];
      if (!host.aggregates.some((a) => a[key] === want)) return `no aggregate with ${key}=${want}`;
    }
    return null;
  },
};

/** Placement's required and forbidden traits, from flavor extra specs trait:X=required|forbidden. @public */
export const traitsFilter: HostFilter = {
  name: "TraitsFilter",
  filter: (host, spec) => {
    for (const t of spec.requiredTraits) if (!host.traits.includes(t)) return `missing trait ${t}`;
    for (const t of spec.forbiddenTraits)
      if (host.traits.includes(t)) return `forbidden trait ${t}`;
    return null;
  },
};

/** Nova's ServerGroupAntiAffinityFilter. @public */
export const antiAffinityFilter: HostFilter = {
  name: "ServerGroupAntiAffinityFilter",
  filter: (host, spec) =>
    spec.group?.policy === "anti-affinity" && spec.group.hosts.includes(host.name)
      ? "anti-affinity: a group member is here"
      : null,
};

/** Nova's ServerGroupAffinityFilter. @public */
export const affinityFilter: HostFilter = {
  name: "ServerGroupAffinityFilter",
  filter: (host, spec) =>
    spec.group?.policy === "affinity" &&
    spec.group.hosts.length > 0 &&
    !spec.group.hosts.includes(host.name)
      ? "affinity: the group is elsewhere"
      : null,
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
