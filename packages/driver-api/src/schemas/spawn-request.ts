import { Type } from "@sinclair/typebox";
import { identify, MacAddress, Metadata, StringEnum, Text, Uuid } from "./common.js";

// Requests travel core -> driver and are closed (additionalProperties: false):
// an unknown field is a bug in the caller. Fields added in 1.x are optional
// and only sent to drivers that declare the capability that gives them
// meaning, so a 1.0 driver never sees one.

export const FlavorSchema = Type.Object(
  {
    name: Text({ minLength: 1, maxLength: 255 }),
    vcpus: Type.Integer({ minimum: 1, maximum: 1024 }),
    memoryMiB: Type.Integer({ minimum: 64, maximum: 16_777_216 }),
    rootDiskGiB: Type.Integer({ minimum: 0, maximum: 65_536 }),
    ephemeralDiskGiB: Type.Optional(Type.Integer({ minimum: 0, maximum: 65_536 })),
  },
  { additionalProperties: false },
);

export const ImageRefSchema = Type.Object(
  {
    id: Text({ minLength: 1, maxLength: 255, description: "the image's id in the image service" }),
    location: Type.Optional(
      Text({
        minLength: 1,
        maxLength: 4096,
        description:
          "where the driver finds the image bytes (a path or volume name it understands)",
      }),
    ),
    format: Type.Optional(StringEnum(["raw", "qcow2"] as const)),
  },
  { additionalProperties: false },
);

export const OwnerSchema = Type.Object(
  {
    projectId: Text({ minLength: 1, maxLength: 255 }),
    userId: Text({ minLength: 1, maxLength: 255 }),
  },
  { additionalProperties: false },
);

export const NetworkRequestSchema = Type.Object(
  {
    id: Text({ minLength: 1, maxLength: 255, description: "the port id the core assigned" }),
    network: Text({ minLength: 1, maxLength: 255 }),
    macAddress: Type.Optional(MacAddress),
  },
  { additionalProperties: false },
);

export const SpawnRequestSchema = identify(
  "spawn-request",
  Type.Object(
    {
      uuid: Uuid,
      name: Text({ minLength: 1, maxLength: 255 }),
      flavor: FlavorSchema,
      image: ImageRefSchema,
      owner: OwnerSchema,
      metadata: Metadata,
      networks: Type.Optional(Type.Array(NetworkRequestSchema, { maxItems: 16 })),
    },
    { additionalProperties: false },
  ),
);

/** The resources a flavor gives an instance. @public */
export interface Flavor {
  /** The flavor's name, for people. */
  name: string;
  /** Virtual CPUs, 1 to 1024. */
  vcpus: number;
  /** Memory in MiB, at least 64. */
  memoryMiB: number;
  /** Size of the root disk in GiB; 0 means the image's own size. */
  rootDiskGiB: number;
  /** An extra, empty local disk in GiB. */
  ephemeralDiskGiB?: number;
}
/** Which image an instance boots from. @public */
export interface ImageRef {
  /** The image's id in the image service. */
  id: string;
  /** Where the driver finds the image bytes: a path or volume name it understands. */
  location?: string;
  /** The image's disk format, when known. */
  format?: "raw" | "qcow2";
}
/** Who owns an instance; kept with it on the hypervisor. @public */
export interface Owner {
  projectId: string;
  userId: string;
}
/** A network interface to create with the instance. @public */
export interface NetworkRequest {
  /** The port id the core assigned. */
  id: string;
  /** The network to plug into, by the name the driver's config maps. */
  network: string;
  /** The MAC address to use; the driver picks one when absent. */
  macAddress?: string;
}

/**
 * Everything a driver needs to create an instance. The `uuid` names the
 * instance from then on; `name` and `metadata` are opaque text the driver
 * stores and returns unchanged, however hostile.
 *
 * @public
 */
export interface SpawnRequest {
  /** The instance's UUID, assigned by the core. */
  uuid: string;
  /** A display name: opaque text, stored and returned unchanged. */
  name: string;
  flavor: Flavor;
  image: ImageRef;
  owner: Owner;
  /** Opaque key/value text, stored and returned unchanged (at most 128 pairs). */
  metadata: Record<string, string>;
  /** Interfaces to create with the instance. */
  networks?: NetworkRequest[];
}
