import type { ComputeDriver } from "@novakit/driver-api";

/** How many driver calls the suite made and how long they took, to tell the suite's own cost apart. */
export interface CallStats {
  driverCalls: number;
  driverMs: number;
  eventWaitMs: number;
}

/**
 * Wraps a driver so that every method call is counted and timed. Overlapping
 * calls (the concurrency tests) are counted by wall time while any is in
 * flight, so parallel calls are not double-counted.
 */
export function instrument(driver: ComputeDriver, stats: CallStats): ComputeDriver {
  let inFlight = 0;
  let busySince = 0;
  const enter = () => {
    if (inFlight++ === 0) busySince = performance.now();
  };
  const leave = () => {
    if (--inFlight === 0) stats.driverMs += performance.now() - busySince;
  };
  return new Proxy(driver, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        stats.driverCalls += 1;
        enter();
        try {
          const result = value.apply(target, args);
          if (result instanceof Promise) return result.finally(leave);
          leave();
          return result;
        } catch (err) {
          leave();
          throw err;
        }
      };
    },
  });
}
