import { Type } from "@sinclair/typebox";
import { identify, Text } from "./common.js";

const Usage = (unit: string) =>
  Type.Object({
    total: Type.Integer({ minimum: 0, description: `total ${unit}` }),
    used: Type.Integer({ minimum: 0, description: `${unit} in use, by instances and the host` }),
  });

export const NumaCellSchema = Type.Object({
  id: Type.Integer({ minimum: 0 }),
  cpus: Type.Array(Type.Integer({ minimum: 0 })),
  memoryMiB: Type.Integer({ minimum: 0 }),
});

export const HostResourcesSchema = identify(
  "host-resources",
  Type.Object({
    hypervisorType: Text({ minLength: 1, maxLength: 64, description: "e.g. QEMU, Xen, fake" }),
    hypervisorVersion: Type.String({ minLength: 1, maxLength: 64 }),
    hostname: Text({ minLength: 1, maxLength: 255 }),
    cpuModel: Text({ minLength: 1, maxLength: 255 }),
    vcpus: Usage("vCPUs"),
    memoryMiB: Usage("MiB of memory"),
    localDiskGiB: Usage("GiB of local disk"),
    numaCells: Type.Optional(Type.Array(NumaCellSchema)),
  }),
);

/** Total and used amounts of one resource; `used` never exceeds `total`. @public */
export interface ResourceUsage {
  total: number;
  used: number;
}

/** A NUMA cell of the host. @public */
export interface NumaCell {
  id: number;
  /** Host CPU numbers in this cell. */
  cpus: number[];
  memoryMiB: number;
}

/**
 * What a host offers and how much of it is in use. `used` never exceeds
 * `total`; the scheduler relies on both.
 *
 * @public
 */
export interface HostResources {
  /** Such as `QEMU`, `Xen`, `fake`. */
  hypervisorType: string;
  hypervisorVersion: string;
  hostname: string;
  cpuModel: string;
  vcpus: ResourceUsage;
  memoryMiB: ResourceUsage;
  localDiskGiB: ResourceUsage;
  numaCells?: NumaCell[];
}
