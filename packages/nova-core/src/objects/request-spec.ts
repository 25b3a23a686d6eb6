import { defineObject } from "./base.js";

/** The amounts of each resource class an instance needs. @public */
export type ResourceAmounts = Record<string, number>;

/** What the scheduler places: the resources, the constraints, the hosts to avoid. @public */
export interface RequestSpec {
  instanceUuid: string;
  projectId: string;
  /** VCPU, MEMORY_MB, DISK_GB. */
  resources: ResourceAmounts;
  requiredTraits: string[];
  forbiddenTraits: string[];
  /** aggregate_instance_extra_specs: key -> value a host's aggregate must carry. */
  aggregateSpecs: Record<string, string>;
  availabilityZone: string | null;
  /** The server group and its policy, with the hosts its members already use. */
  group: { id: string; policy: "affinity" | "anti-affinity"; hosts: string[] } | null;
  /** Hosts an earlier attempt failed on. */
  ignoreHosts: string[];
  /** 1 for the first attempt. */
  attempt: number;
}

/** @public */
export const RequestSpecObject = defineObject<RequestSpec>({
  name: "RequestSpec",
  version: "1.0",
  fields: {
    instanceUuid: { type: "string" },
    projectId: { type: "string" },
    resources: { type: "json" },
    requiredTraits: { type: "string[]" },
    forbiddenTraits: { type: "string[]" },
    aggregateSpecs: { type: "json" },
    availabilityZone: { type: "string?" },
    group: { type: "json" },
    ignoreHosts: { type: "string[]" },
    attempt: { type: "int" },
  },
});

/** Where the scheduler put an instance, and what it claimed there. @public */
export interface Selection {
  host: string;
  providerId: number;
  /** The provider's generation after the claim. */
  generation: number;
  allocations: ResourceAmounts;
}

/** @public */
export const SelectionObject = defineObject<Selection>({
  name: "Selection",
  version: "1.0",
  fields: {
    host: { type: "string" },
    providerId: { type: "int" },
    generation: { type: "int" },
    allocations: { type: "json" },
  },
});
