// Breaks C-EVENT-6: announces a pause before the instance is paused (the
// event goes out, then the work, then the state), so a core that reads the
// instance on the event records it as still running.
import { brokenVariant, FakeDriver, filteringHost } from "../shared.js";

class Broken extends FakeDriver {
  #raw;
  constructor(config, host) {
    // The real "paused" event is swallowed: this driver sent its own, early.
    super(
      config,
      filteringHost(host, (event, emit) => {
        if (event.type !== "paused") emit(event);
      }),
    );
    this.#raw = host;
  }
  async pause(uuid, options) {
    const before = await this.getInstanceInfo(uuid, options).catch(() => undefined);
    if (before?.powerState !== "running") return super.pause(uuid, options);
    this.#raw.emitEvent({
      type: "paused",
      instanceUuid: uuid,
      powerState: "paused",
      occurredAt: new Date().toISOString(),
    });
    await new Promise((r) => setTimeout(r, 20));
    return super.pause(uuid, options);
  }
}
export const driver = brokenVariant(
  "event-before-state",
  (config, host) => new Broken(config, host),
);
