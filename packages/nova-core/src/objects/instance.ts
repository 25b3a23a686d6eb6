import { defineObject } from "./base.js";

/** The flavor an instance was built with, copied into it (a later flavor edit does not resize it). @public */
export interface InstanceFlavor {
  id: string;
  name: string;
  vcpus: number;
  memoryMiB: number;
  rootDiskGiB: number;
  ephemeralDiskGiB: number;
}

/** The image an instance boots from, as the driver needs it. @public */
export interface InstanceImage {
  id: string;
  location: string | null;
  format: "raw" | "qcow2" | null;
}

/** An instance as the roles pass it to each other. @public */
export interface Instance {
  uuid: string;
  displayName: string;
  /** Added in 1.1; an older reader never sees it. */
  description: string | null;
  projectId: string;
  userId: string;
  flavor: InstanceFlavor;
  image: InstanceImage;
  metadata: Record<string, string>;
  vmState: string;
  taskState: string | null;
  powerState: string;
  host: string | null;
  availabilityZone: string | null;
  serverGroupId: string | null;
  /** The record's compare-and-swap version when this copy was read. */
  version: number;
  createdAt: number;
  launchedAt: number | null;
}

/**
 * Instance 1.0: the first release. 1.1: `description`. The default backport
 * drops it for a 1.0 reader, which has nowhere to keep it and never shows it.
 *
 * @public
 */
export const InstanceObject = defineObject<Instance>({
  name: "Instance",
  version: "1.1",
  fields: {
    uuid: { type: "string" },
    displayName: { type: "string" },
    description: { type: "string?", since: "1.1" },
    projectId: { type: "string" },
    userId: { type: "string" },
    flavor: { type: "json" },
    image: { type: "json" },
    metadata: { type: "json" },
    vmState: { type: "string" },
    taskState: { type: "string?" },
    powerState: { type: "string" },
    host: { type: "string?" },
    availabilityZone: { type: "string?" },
    serverGroupId: { type: "string?" },
    version: { type: "int" },
    createdAt: { type: "int" },
    launchedAt: { type: "int?" },
  },
});
