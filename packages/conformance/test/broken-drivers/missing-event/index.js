// Breaks the event clauses: pausing emits no "paused" event.
import { brokenVariant, FakeDriver, filteringHost } from "../shared.js";

export const driver = brokenVariant(
  "missing-event",
  (config, host) =>
    new FakeDriver(
      config,
      filteringHost(host, (event, emit) => event.type !== "paused" && emit(event)),
    ),
);
