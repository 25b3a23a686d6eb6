// Breaks C-CONC-5: a destroy that checks, waits, then looks the instance up
// again, so a second destroy running beside it finds it gone and rejects
// with InstanceNotFound. Sequential destroys (C-IDEMP-1/2) still resolve.
import { brokenVariant, FakeDriver } from "../shared.js";

class Broken extends FakeDriver {
  async destroy(uuid, options) {
    const present = await this.getInstanceInfo(uuid, options).then(
      () => true,
      () => false,
    );
    if (!present) return;
    await new Promise((r) => setTimeout(r, 5));
    await this.getInstanceInfo(uuid, options); // gone if the other destroy won
    return super.destroy(uuid, options);
  }
}
export const driver = brokenVariant(
  "concurrent-destroy-rejects",
  (config, host) => new Broken(config, host),
);
