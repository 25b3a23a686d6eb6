import { Type } from "@sinclair/typebox";
import { identify, MacAddress, StringEnum, Text } from "./common.js";

// Requests (closed) and the attached-device records drivers report back
// (open: a newer driver may add fields an older core ignores).

export const BlockDeviceSpecSchema = identify(
  "block-device-spec",
  Type.Object(
    {
      id: Text({
        minLength: 1,
        maxLength: 255,
        description: "the volume's id in the block-storage service",
      }),
      source: Text({
        minLength: 1,
        maxLength: 4096,
        description: "where the driver finds the device (a path or volume name it understands)",
      }),
      bus: Type.Optional(StringEnum(["virtio", "scsi", "sata", "ide"] as const)),
      readOnly: Type.Optional(Type.Boolean()),
    },
    { additionalProperties: false },
  ),
);

export const AttachedBlockDeviceSchema = identify(
  "attached-block-device",
  Type.Object({
    id: Text({ minLength: 1, maxLength: 255 }),
    deviceName: Type.String({
      minLength: 1,
      maxLength: 64,
      description: "the guest-visible device, e.g. vdb",
    }),
    readOnly: Type.Boolean(),
  }),
);

export const InterfaceSpecSchema = identify(
  "interface-spec",
  Type.Object(
    {
      id: Text({ minLength: 1, maxLength: 255, description: "the port id the core assigned" }),
      network: Text({ minLength: 1, maxLength: 255 }),
      macAddress: Type.Optional(MacAddress),
    },
    { additionalProperties: false },
  ),
);

export const AttachedInterfaceSchema = identify(
  "attached-interface",
  Type.Object({
    id: Text({ minLength: 1, maxLength: 255 }),
    network: Text({ minLength: 1, maxLength: 255 }),
    macAddress: MacAddress,
  }),
);

/** A volume to attach. Needs capability `block-device`. @public */
export interface BlockDeviceSpec {
  /** The volume's id in the block-storage service. */
  id: string;
  /** Where the driver finds the device: a path or volume name it understands. */
  source: string;
  bus?: "virtio" | "scsi" | "sata" | "ide";
  readOnly?: boolean;
}
/** A volume as the guest sees it once attached. @public */
export interface AttachedBlockDevice {
  id: string;
  /** The guest-visible device, such as `vdb`. */
  deviceName: string;
  readOnly: boolean;
}
/** A network interface to attach. Needs capability `network-interface`. @public */
export interface InterfaceSpec {
  /** The port id the core assigned. */
  id: string;
  network: string;
  macAddress?: string;
}
/** A network interface as attached, with the MAC address it got. @public */
export interface AttachedInterface {
  id: string;
  network: string;
  macAddress: string;
}
