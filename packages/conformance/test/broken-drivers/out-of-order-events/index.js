// Breaks C-EVENT-1: emits each pair of events in the reverse order.
import { brokenVariant, FakeDriver, filteringHost } from "../shared.js";

function swapPairs() {
  let held;
  return (event, emit) => {
    if (held === undefined) {
      held = event;
      // A lone event is not lost, only late: flushed if no second one comes.
      setTimeout(() => {
        if (held === event) {
          held = undefined;
          emit(event);
        }
      }, 1000);
      return;
    }
    const first = held;
    held = undefined;
    emit(event);
    emit(first);
  };
}
export const driver = brokenVariant(
  "out-of-order-events",
  (config, host) => new FakeDriver(config, filteringHost(host, swapPairs())),
);
