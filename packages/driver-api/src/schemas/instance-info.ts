import { Type } from "@sinclair/typebox";
import { identify, Metadata, type PowerState, PowerStateSchema, Text, Uuid } from "./common.js";
import type { AttachedBlockDevice, AttachedInterface } from "./devices.js";
import { AttachedBlockDeviceSchema, AttachedInterfaceSchema } from "./devices.js";

// Driver -> core answers are open (additionalProperties allowed): a driver
// built against a newer 1.x may add fields, and an older core ignores them.

export const InstanceSummarySchema = Type.Object({
  uuid: Uuid,
  powerState: PowerStateSchema,
});

export const InstanceInfoSchema = identify(
  "instance-info",
  Type.Object({
    uuid: Uuid,
    name: Text({ minLength: 1, maxLength: 255 }),
    powerState: PowerStateSchema,
    vcpus: Type.Integer({ minimum: 1 }),
    memoryMiB: Type.Integer({ minimum: 1 }),
    uptimeSeconds: Type.Number({
      minimum: 0,
      description: "seconds since the guest last started; 0 unless running or paused",
    }),
    metadata: Metadata,
    blockDevices: Type.Array(AttachedBlockDeviceSchema),
    interfaces: Type.Array(AttachedInterfaceSchema),
  }),
);

export const InstanceListSchema = identify("instance-list", Type.Array(InstanceSummarySchema));

/** One entry of {@link ComputeDriver.listInstances}. @public */
export interface InstanceSummary {
  uuid: string;
  powerState: PowerState;
}

/**
 * What the hypervisor holds for one instance, read fresh on every call.
 *
 * @public
 */
export interface InstanceInfo {
  uuid: string;
  /** The name given at spawn, unchanged. */
  name: string;
  powerState: PowerState;
  vcpus: number;
  memoryMiB: number;
  /** Seconds since the guest last started; 0 unless running or paused. */
  uptimeSeconds: number;
  /** The metadata given at spawn, unchanged. */
  metadata: Record<string, string>;
  blockDevices: AttachedBlockDevice[];
  interfaces: AttachedInterface[];
}
