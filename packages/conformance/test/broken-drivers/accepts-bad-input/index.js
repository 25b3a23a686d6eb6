// Breaks C-INPUT-1: repairs a bad spawn request instead of refusing it.
import { randomUUID } from "node:crypto";
import { isDriverError } from "@novakit/driver-api";
import { brokenVariant, FakeDriver } from "../shared.js";

class Broken extends FakeDriver {
  async spawn(request, options) {
    try {
      return await super.spawn(request, options);
    } catch (err) {
      if (!isDriverError(err, "NOVAKIT_INVALID_SPEC")) throw err;
      const uuid = /^[0-9a-f-]{36}$/.test(String(request.uuid)) ? request.uuid : randomUUID();
      return super.spawn(
        {
          uuid,
          name: "repaired",
          flavor: { name: "repaired", vcpus: 1, memoryMiB: 64, rootDiskGiB: 0 },
          image: { id: "repaired" },
          owner: { projectId: "repaired", userId: "repaired" },
          metadata: {},
        },
        options,
      );
    }
  }
}
export const driver = brokenVariant(
  "accepts-bad-input",
  (config, host) => new Broken(config, host),
);
