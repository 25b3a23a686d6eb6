import { Type } from "@sinclair/typebox";
import { identify, type PowerState, PowerStateSchema, Text } from "./common.js";

export const SnapshotSpecSchema = identify(
  "snapshot-spec",
  Type.Object(
    {
      name: Text({ minLength: 1, maxLength: 255 }),
      description: Type.Optional(Text({ maxLength: 1024 })),
    },
    { additionalProperties: false },
  ),
);

export const SnapshotInfoSchema = identify(
  "snapshot-info",
  Type.Object({
    id: Text({ minLength: 1, maxLength: 255, description: "the driver's id for the snapshot" }),
    name: Text({ minLength: 1, maxLength: 255 }),
    createdAt: Type.String({ format: "date-time" }),
    powerState: PowerStateSchema,
  }),
);

/** A snapshot to take. Needs capability `snapshot`. @public */
export interface SnapshotSpec {
  name: string;
  description?: string;
}
/** A snapshot as the driver keeps it. @public */
export interface SnapshotInfo {
  /** The driver's id for the snapshot. */
  id: string;
  name: string;
  /** ISO 8601 date-time. */
  createdAt: string;
  /** The power state the instance returns to on revert. */
  powerState: PowerState;
}
