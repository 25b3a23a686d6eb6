// Breaks T-rebootHard-*: a hard reboot of an instance that is not running resolves but leaves it as it was.
import { brokenVariant, FakeDriver } from "../shared.js";

class Broken extends FakeDriver {
  async reboot(uuid, spec, options) {
    const info = await this.getInstanceInfo(uuid, options);
    if (spec.type === "hard" && info.powerState !== "running") return;
    return super.reboot(uuid, spec, options);
  }
}
export const driver = brokenVariant(
  "wrong-state-after-reboot",
  (config, host) => new Broken(config, host),
);
