import type { SpawnRequest } from "@novakit/driver-api";

/**
 * What a driver keeps of an instance beside what the hypervisor holds, so
 * that getInstanceInfo returns the core's text unchanged after a restart:
 * the display name, metadata, flavor, owner and image of the spawn. Each
 * driver keeps it with the instance in its hypervisor's own way (libvirt:
 * the domain's metadata element; Xen: the instance's xl.cfg) and extends it
 * with what it attaches.
 */
export interface InstanceRecordBase {
  name: string;
  metadata: Record<string, string>;
  flavor: SpawnRequest["flavor"];
  owner: SpawnRequest["owner"];
  image: SpawnRequest["image"];
}

/** The record a spawn request starts, copied so later changes to the request do not leak in. */
export function recordOfRequest(request: SpawnRequest): InstanceRecordBase {
  return {
    name: request.name,
    metadata: { ...request.metadata },
    flavor: { ...request.flavor },
    owner: { ...request.owner },
    image: { ...request.image },
  };
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Whether a decoded value has the record's shape (a record of another
 * tool, version or a damaged one does not): what a driver checks before it
 * treats a hypervisor object as one of its instances.
 */
export function isInstanceRecord(value: unknown): value is InstanceRecordBase {
  if (!isObject(value)) return false;
  const { name, metadata, flavor, owner, image } = value;
  return (
    typeof name === "string" &&
    isObject(metadata) &&
    Object.values(metadata).every((v) => typeof v === "string") &&
    isObject(flavor) &&
    typeof flavor.vcpus === "number" &&
    typeof flavor.memoryMiB === "number" &&
    isObject(owner) &&
    typeof owner.projectId === "string" &&
    typeof owner.userId === "string" &&
    isObject(image) &&
    typeof image.id === "string"
  );
}
