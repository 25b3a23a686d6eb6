import type { ObservedPower } from "../errors.js";
import type { HostReport } from "../objects/host-report.js";
import type { ObjectVersions } from "../objects/registry.js";
import type { ResourceProvider } from "../objects/resource-provider.js";
import type { PinSnapshot } from "../rpc/pins.js";
import type { InstanceAction } from "../state/instance-states.js";

// The shapes the conductor's RPC API takes and gives, shared by its client
// (used by the service layer, the scheduler and the compute agents) and its
// manager. Plain JSON; objects travel as their primitives.

/** What a user asks to create, already checked for shape by the service layer. @public */
export interface CreateInstanceRequest {
  name: string;
  flavorId: string;
  imageId: string;
  metadata: Record<string, string>;
  description: string | null;
  availabilityZone: string | null;
  serverGroupId: string | null;
}

/** A service introducing itself. @public */
export interface ServiceRegistration {
  host: string;
  binary: string;
  topic: string;
  rpcVersion: string;
  objectVersions: ObjectVersions;
}

/** One power state a compute agent observed. @public */
export interface PowerObservation extends ObservedPower {
  readonly uuid: string;
  /** Set when a driver call on it timed out and did not settle: the record is suspect. */
  readonly needsReconcile?: boolean;
}

/** What a compute agent found on start, against what the conductor expected. @public */
export interface ReconcileReport {
  readonly host: string;
  /** On the hypervisor, unknown to the database (or deleted there). */
  readonly unknown: readonly string[];
  /** Expected by the database, absent from the hypervisor. */
  readonly missing: readonly string[];
  /** Expected and present. */
  readonly found: readonly string[];
  readonly policy: ReconcilePolicy;
}

/** What a compute agent does about each kind of difference. @public */
export interface ReconcilePolicy {
  /** report: record it; destroy: also destroy the stray domain. */
  readonly unknown: "report" | "destroy";
  /** report: record it; error: also put the instance in ERROR with a fault. */
  readonly missing: "report" | "error";
}

/** The answer to a claim: the new generation, or why not and the provider as it is now. @public */
export type ClaimResult =
  | { readonly claimed: true; readonly generation: number }
  | {
      readonly claimed: false;
      readonly reason: string;
      readonly provider: unknown | null;
      /** When the server group's policy refused: the hosts its members are on now. */
      readonly groupHosts?: readonly string[];
    };

/** What registering gives back: the cluster's pins, so the service sends what the oldest reads. @public */
export interface RegistrationResult {
  readonly pins: PinSnapshot;
}

/** The request to run `action`. @public */
export interface ActionRequest {
  readonly uuid: string;
  readonly action: InstanceAction;
}

export type { HostReport, ResourceProvider };
