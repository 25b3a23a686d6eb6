import type { DriverClient, SpawnRequest } from "@novakit/driver-api";
import { InvalidInput } from "../errors.js";
import type { Instance } from "../objects/instance.js";

/** The contract's spawn request for an instance record. */
export function toSpawnRequest(instance: Instance): SpawnRequest {
  return {
    uuid: instance.uuid,
    name: instance.displayName,
    flavor: {
      name: instance.flavor.name,
      vcpus: instance.flavor.vcpus,
      memoryMiB: instance.flavor.memoryMiB,
      rootDiskGiB: instance.flavor.rootDiskGiB,
      ...(instance.flavor.ephemeralDiskGiB > 0
        ? { ephemeralDiskGiB: instance.flavor.ephemeralDiskGiB }
        : {}),
    },
    image: {
      id: instance.image.id,
      ...(instance.image.location === null ? {} : { location: instance.image.location }),
      ...(instance.image.format === null ? {} : { format: instance.image.format }),
    },
    owner: { projectId: instance.projectId, userId: instance.userId },
    metadata: instance.metadata,
  };
}

/** Runs one power operation of the action table through the driver's guard. */
export function runDriverOp(
  client: DriverClient,
  uuid: string,
  op: string,
  requestId: string,
): Promise<void> {
  const ctx = { requestId };
  switch (op) {
    case "rebootSoft":
      return client.reboot(uuid, { type: "soft" }, ctx);
    case "rebootHard":
      return client.reboot(uuid, { type: "hard" }, ctx);
    case "powerOff":
      // Nova's shutdown_timeout default: a minute for the guest to stop cleanly.
      return client.powerOff(uuid, { graceMs: 60_000 }, ctx);
    case "powerOn":
      return client.powerOn(uuid, ctx);
    case "pause":
      return client.pause(uuid, ctx);
    case "unpause":
      return client.unpause(uuid, ctx);
    case "suspend":
      return client.suspend(uuid, ctx);
    case "resume":
      return client.resume(uuid, ctx);
    default:
      return Promise.reject(
        new InvalidInput("op", `unknown power operation ${JSON.stringify(op)}`),
      );
  }
}
