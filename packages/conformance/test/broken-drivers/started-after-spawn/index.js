// Breaks C-SPAWN-3: spawn resolves first and says "started" a moment later.
import { brokenVariant, FakeDriver, filteringHost } from "../shared.js";

class Broken extends FakeDriver {
  constructor(config, host) {
    super(
      config,
      filteringHost(host, (event, emit) => {
        if (event.type === "started") setTimeout(() => emit(event), 5);
        else emit(event);
      }),
    );
  }
}
export const driver = brokenVariant(
  "started-after-spawn",
  (config, host) => new Broken(config, host),
);
