// Breaks C-HOSTILE-1: "sanitises" names on the way through.
import { brokenVariant, FakeDriver } from "../shared.js";

const sanitise = (name) => name.replace(/[<>&"\x27\n\r]/g, "_").trim();

class Broken extends FakeDriver {
  async getInstanceInfo(uuid, options) {
    const info = await super.getInstanceInfo(uuid, options);
    return { ...info, name: sanitise(info.name) };
  }
}
export const driver = brokenVariant("mangles-names", (config, host) => new Broken(config, host));
