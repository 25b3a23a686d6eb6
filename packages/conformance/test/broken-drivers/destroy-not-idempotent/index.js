// Breaks C-IDEMP-1/2: destroying a missing instance rejects instead of resolving.
import { brokenVariant, FakeDriver } from "../shared.js";

class Broken extends FakeDriver {
  async destroy(uuid, options) {
    await this.getInstanceInfo(uuid, options); // rejects with InstanceNotFound when it is gone
    return super.destroy(uuid, options);
  }
}
export const driver = brokenVariant(
  "destroy-not-idempotent",
  (config, host) => new Broken(config, host),
);
