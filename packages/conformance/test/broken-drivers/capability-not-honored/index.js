// Breaks C-CAP-snapshot: declares "snapshot" but cannot take one.
import { DriverInternal } from "@novakit/driver-api";
import { brokenVariant, FakeDriver } from "../shared.js";

class Broken extends FakeDriver {
  async createSnapshot() {
    throw new DriverInternal("snapshot backend not configured");
  }
}
export const driver = brokenVariant(
  "capability-not-honored",
  (config, host) => new Broken(config, host),
);
