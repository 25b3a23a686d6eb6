import type { DriverHost, DriverLogger } from "../driver.js";
import type { LifecycleEvent } from "../schemas/events.js";
import { validate } from "../schemas/index.js";
import { POWER_STATE_AFTER_EVENT } from "../semantics/transitions.js";
import { CONTRACT_VERSION } from "../version.js";

/**
 * How the core receives what a driver pushes.
 *
 * @public
 */
export interface DriverHostOptions {
  /** Receives each valid lifecycle event, in the order the driver emitted them. */
  onEvent?: (event: LifecycleEvent) => void;
  /** Receives what the driver emitted that is not a valid event, with the reason. */
  onInvalidEvent?: (value: unknown, reason: string) => void;
  /** Where the driver's log lines go; by default nowhere. */
  logger?: DriverLogger;
}

const silentLogger: DriverLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};

/**
 * Builds the {@link DriverHost} a driver is created with. Events are checked
 * against the contract's schema on the way in; a listener that throws never
 * reaches the driver, which must be able to emit from any callback.
 *
 * @public
 */
export function createDriverHost(options: DriverHostOptions = {}): DriverHost {
  const logger = options.logger ?? silentLogger;
  return {
    contractVersion: CONTRACT_VERSION,
    logger,
    emitEvent(event: LifecycleEvent): void {
      try {
        if (
          validate.lifecycleEvent.is(event) &&
          POWER_STATE_AFTER_EVENT[event.type] === event.powerState
        ) {
          options.onEvent?.(event);
          return;
        }
        let reason = `a "${event?.type}" event must report power state "${POWER_STATE_AFTER_EVENT[event?.type]}", not "${event?.powerState}"`;
        try {
          validate.lifecycleEvent.assert(event);
        } catch (err) {
          reason = (err as Error).message;
        }
        logger.warn("driver emitted an invalid lifecycle event; dropped", { reason });
        options.onInvalidEvent?.(event, reason);
      } catch (err) {
        logger.error("a lifecycle event listener threw", { error: String(err) });
      }
    },
  };
}
