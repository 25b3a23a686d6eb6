import type { FlavorRow, InstanceRow } from "../db/schema.js";
import type { RequestSpec } from "../objects/request-spec.js";

// Flavor extra specs the scheduler reads, in Nova's spelling:
//   trait:COMPUTE_SNAPSHOT=required | forbidden
//   aggregate_instance_extra_specs:ssd=true
const TRAIT_PREFIX = "trait:";
const AGGREGATE_PREFIX = "aggregate_instance_extra_specs:";

/** The scheduler's request for one instance of `flavor`. */
export function buildRequestSpec(
  row: InstanceRow,
  flavor: FlavorRow,
  group: { id: string; policy: "affinity" | "anti-affinity" } | null,
): RequestSpec {
  const extra = JSON.parse(flavor.extra_specs) as Record<string, string>;
  const requiredTraits: string[] = [];
  const forbiddenTraits: string[] = [];
  const aggregateSpecs: Record<string, string> = {};
  for (const [key, value] of Object.entries(extra)) {
    if (key.startsWith(TRAIT_PREFIX)) {
      const trait = key.slice(TRAIT_PREFIX.length);
      if (value === "required") requiredTraits.push(trait);
      else if (value === "forbidden") forbiddenTraits.push(trait);
    } else if (key.startsWith(AGGREGATE_PREFIX)) {
      aggregateSpecs[key.slice(AGGREGATE_PREFIX.length)] = value;
    }
  }
  return {
    instanceUuid: row.uuid,
    projectId: row.project_id,
    resources: {
      VCPU: row.vcpus,
      MEMORY_MB: row.memory_mb,
      DISK_GB: row.root_gb + flavor.ephemeral_gb,
    },
    requiredTraits,
    forbiddenTraits,
    aggregateSpecs,
    availabilityZone: row.availability_zone,
    group: group ? { ...group, hosts: [] } : null,
    ignoreHosts: [],
    attempt: 1,
  };
}

/** True for extra specs the service layer should accept: values a filter understands. */
export function checkExtraSpec(key: string, value: string): string | null {
  if (key.startsWith(TRAIT_PREFIX) && value !== "required" && value !== "forbidden") {
    return `${key} must be "required" or "forbidden"`;
  }
  return null;
}
