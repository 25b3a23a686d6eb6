// Breaks C-IDEMP-3 and C-CONC-3: spawning an existing UUID replaces the instance.
import { brokenVariant, FakeDriver } from "../shared.js";

class Broken extends FakeDriver {
  async spawn(request, options) {
    await super.destroy(request.uuid, options);
    return super.spawn(request, options);
  }
}
export const driver = brokenVariant(
  "duplicate-uuid-accepted",
  (config, host) => new Broken(config, host),
);
