// Breaks C-DESTROY-1 and C-CLEAN-1: destroy resolves but the instance stays.
import { brokenVariant, FakeDriver } from "../shared.js";

class Broken extends FakeDriver {
  async destroy(_uuid, options) {
    await this.listInstances(options); // looks busy, removes nothing
  }
}
export const driver = brokenVariant("leaks-on-destroy", (config, host) => new Broken(config, host));
