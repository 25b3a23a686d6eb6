import { Type } from "@sinclair/typebox";
import { identify, type PowerState, PowerStateSchema, StringEnum, Text, Uuid } from "./common.js";

/** Every lifecycle event type, each named for the power-state change it reports. @public */
export const LIFECYCLE_EVENT_TYPES = [
  "started",
  "stopped",
  "paused",
  "resumed",
  "suspended",
  "crashed",
] as const;

/** @public */
export type LifecycleEventType = (typeof LIFECYCLE_EVENT_TYPES)[number];

export const LifecycleEventSchema = identify(
  "lifecycle-event",
  Type.Object({
    type: StringEnum(LIFECYCLE_EVENT_TYPES),
    instanceUuid: Uuid,
    powerState: PowerStateSchema,
    occurredAt: Type.String({ format: "date-time" }),
    reason: Type.Optional(
      Text({ maxLength: 1024, description: "the hypervisor's own words, if any" }),
    ),
  }),
);

/**
 * A power-state change, pushed by the driver as it happens. `powerState` is
 * the state the instance is in after the change.
 *
 * @public
 */
export interface LifecycleEvent {
  type: LifecycleEventType;
  instanceUuid: string;
  /** The power state after the change. */
  powerState: PowerState;
  /** ISO 8601 date-time. */
  occurredAt: string;
  /** The hypervisor's own words, if any. */
  reason?: string;
}
