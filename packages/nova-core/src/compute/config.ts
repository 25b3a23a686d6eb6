import type { DriverLogger, DriverOperation } from "@novakit/driver-api";
import type { ReconcilePolicy } from "../conductor/types.js";
import type { ObjectVersions } from "../objects/registry.js";

/** A compute host's settings. @public */
export interface ComputeAgentConfig {
  /** The host's name: the agent's RPC server and its resource provider. */
  readonly host: string;
  /** The driver package, by name or path, as loadDriver takes it. */
  readonly driver: string;
  readonly driverConfig?: unknown;
  /** Where a driver package name is resolved from. */
  readonly fromDir?: string;
  readonly availabilityZone?: string;
  /** Nova's defaults: VCPU 16, MEMORY_MB 1.5, DISK_GB 1.0. */
  readonly allocationRatios?: Partial<Record<"VCPU" | "MEMORY_MB" | "DISK_GB", number>>;
  /** Held back for the host itself. Default none. */
  readonly reserved?: Partial<Record<"VCPU" | "MEMORY_MB" | "DISK_GB", number>>;
  /** Periodic power-state sync (Nova's sync_power_states); default 600 000 ms, 0 off. */
  readonly powerSyncIntervalMs?: number;
  readonly heartbeatIntervalMs?: number;
  readonly resourceReportIntervalMs?: number;
  /** What to do about differences found at start. Default: report unknown, put missing in ERROR. */
  readonly reconcilePolicy?: ReconcilePolicy;
  /** Driver deadlines over the contract's defaults. */
  readonly driverTimeoutsMs?: Partial<Record<DriverOperation, number>>;
  /** How long to wait for a timed-out driver call to settle before marking the instance for reconcile. */
  readonly settleGraceMs?: number;
  /**
   * Speak an older release: its compute RPC version and the object versions
   * it reads. For rolling-upgrade tests; a real old agent is old code.
   */
  readonly speaks?: { readonly rpcVersion?: string; readonly objectVersions?: ObjectVersions };
  readonly logger?: DriverLogger;
}
