// Breaks C-HOST-3 the way a real driver did: libvirt reports memory in KiB,
// and this driver forgets to divide, so used memory grows by 1024 times the
// flavor (capped at the total, so every number stays "sane").
import { brokenVariant, FakeDriver } from "../shared.js";

class Broken extends FakeDriver {
  async getHostResources(options) {
    const r = await super.getHostResources(options);
    const used = Math.min(r.memoryMiB.used * 1024, r.memoryMiB.total);
    return { ...r, memoryMiB: { total: r.memoryMiB.total, used } };
  }
}
export const driver = brokenVariant(
  "host-usage-in-kib",
  (config, host) => new Broken(config, host),
);
