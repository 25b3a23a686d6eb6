import { CAPABILITIES, type ComputeDriver } from "@novakit/driver-api";

/**
 * Watches the driver's own promises underneath DriverClient. After a
 * Timeout, DriverClient has rejected but the driver's call may still run;
 * the agent must not start the next operation on that instance until it
 * settles. This wrapper records each call's promise by instance UUID and
 * says when they have all settled. It changes nothing else: every call
 * still goes through DriverClient, which wraps this.
 */
export class SettleTracker {
  readonly #inflight = new Map<string, Set<Promise<unknown>>>();

  /** A driver whose per-instance calls are tracked. */
  wrap(driver: ComputeDriver): ComputeDriver {
    const methods = new Set<string>([
      "init",
      "close",
      "getHostResources",
      "listInstances",
      "getInstanceInfo",
      "spawn",
      "destroy",
      "reboot",
      "powerOff",
      "powerOn",
      "pause",
      "unpause",
      "suspend",
      "resume",
      ...Object.values(CAPABILITIES).flatMap((c) => [...c.methods]),
    ]);
    const source = driver as unknown as Record<string, unknown>;
    const wrapped: Record<string, unknown> = {};
    for (const name of methods) {
      const fn = source[name];
      if (typeof fn !== "function") continue;
      wrapped[name] = (...args: unknown[]) => {
        const result = (fn as (...a: unknown[]) => unknown).apply(driver, args);
        const uuid = name === "spawn" ? (args[0] as { uuid?: unknown })?.uuid : args[0];
        if (typeof uuid === "string" && result instanceof Promise) this.#add(uuid, result);
        return result;
      };
    }
    return wrapped as unknown as ComputeDriver;
  }

  /** True while a driver call on `uuid` has not settled. */
  pending(uuid: string): boolean {
    return (this.#inflight.get(uuid)?.size ?? 0) > 0;
  }

  /** Resolves once every driver call on `uuid` made so far has settled, or after `graceMs`; says which. */
  async settled(uuid: string, graceMs: number): Promise<boolean> {
    const calls = this.#inflight.get(uuid);
    if (!calls || calls.size === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), graceMs);
    });
    const all = Promise.allSettled([...calls]).then(() => true as const);
    try {
      return await Promise.race([all, grace]);
    } finally {
      clearTimeout(timer);
    }
  }

  #add(uuid: string, call: Promise<unknown>): void {
    const calls = this.#inflight.get(uuid) ?? new Set();
    calls.add(call);
    this.#inflight.set(uuid, calls);
    const done = () => {
      calls.delete(call);
      if (calls.size === 0 && this.#inflight.get(uuid) === calls) this.#inflight.delete(uuid);
    };
    call.then(done, done);
  }
}
