import { capabilityTraits, type DriverClient } from "@novakit/driver-api";
import type { HostReport } from "../objects/host-report.js";
import type { ComputeAgentConfig } from "./config.js";

/**
 * What the agent tells the conductor about its host: the hypervisor, the
 * capabilities its driver declared and their scheduler traits (plus one for
 * the hypervisor type, as a custom trait), and the inventories with the
 * host's allocation ratios and reserved amounts (Nova's defaults: VCPU 16,
 * MEMORY_MB 1.5, DISK_GB 1.0, nothing reserved).
 */
export async function buildHostReport(
  host: string,
  client: DriverClient,
  config: ComputeAgentConfig,
): Promise<HostReport> {
  const resources = await client.getHostResources();
  const ratios = { VCPU: 16, MEMORY_MB: 1.5, DISK_GB: 1, ...config.allocationRatios };
  const reserved = { VCPU: 0, MEMORY_MB: 0, DISK_GB: 0, ...config.reserved };
  const hypervisorTrait = `CUSTOM_HYPERVISOR_${resources.hypervisorType.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`;
  return {
    host,
    hypervisorType: resources.hypervisorType,
    hypervisorVersion: resources.hypervisorVersion,
    capabilities: [...client.capabilities],
    traits: [...capabilityTraits([...client.capabilities]), hypervisorTrait].sort(),
    inventories: {
      VCPU: { total: resources.vcpus.total, reserved: reserved.VCPU, allocationRatio: ratios.VCPU },
      MEMORY_MB: {
        total: resources.memoryMiB.total,
        reserved: reserved.MEMORY_MB,
        allocationRatio: ratios.MEMORY_MB,
      },
      DISK_GB: {
        total: resources.localDiskGiB.total,
        reserved: reserved.DISK_GB,
        allocationRatio: ratios.DISK_GB,
      },
    },
    availabilityZone: config.availabilityZone ?? "nova",
  };
}
