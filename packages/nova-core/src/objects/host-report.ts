import { defineObject } from "./base.js";
import type { Inventory } from "./resource-provider.js";

/** What a compute agent reports about its host: capacity, hypervisor, capabilities. @public */
export interface HostReport {
  host: string;
  hypervisorType: string;
  hypervisorVersion: string;
  /** The driver's declared capabilities this contract knows. */
  capabilities: string[];
  /** The scheduler traits: the capabilities' traits and the hypervisor type's. */
  traits: string[];
  /** VCPU, MEMORY_MB, DISK_GB with the host's configured allocation ratios and reserved amounts. */
  inventories: Record<string, Inventory>;
  availabilityZone: string;
}

/** @public */
export const HostReportObject = defineObject<HostReport>({
  name: "HostReport",
  version: "1.0",
  fields: {
    host: { type: "string" },
    hypervisorType: { type: "string" },
    hypervisorVersion: { type: "string" },
    capabilities: { type: "string[]" },
    traits: { type: "string[]" },
    inventories: { type: "json" },
    availabilityZone: { type: "string" },
  },
});
