// Breaks C-HOST-1 and C-HOST-3: reports more vCPUs in use than the host has, and never changes it.
import { brokenVariant, FakeDriver } from "../shared.js";

class Broken extends FakeDriver {
  async getHostResources(options) {
    const r = await super.getHostResources(options);
    return { ...r, vcpus: { total: r.vcpus.total, used: r.vcpus.total + 1 } };
  }
}
export const driver = brokenVariant("wrong-host-usage", (config, host) => new Broken(config, host));
