import type { PowerState } from "../schemas/common.js";
import type { LifecycleEventType } from "../schemas/events.js";

/** The operations that move an instance between power states. @public */
export type PowerOperation =
  | "powerOff"
  | "powerOn"
  | "rebootSoft"
  | "rebootHard"
  | "pause"
  | "unpause"
  | "suspend"
  | "resume";

/**
 * What an operation does from one power state:
 * - `move`: the instance ends in `to`, and the driver emits `event` (none
 *   when the state does not change, as for a reboot of a running instance);
 * - `noop`: the target state already holds; the call resolves and emits nothing;
 * - `invalid`: the call rejects with `InvalidState` and changes nothing.
 *
 * @public
 */
export type Transition =
  | { readonly kind: "move"; readonly to: PowerState; readonly event: LifecycleEventType | null }
  | { readonly kind: "noop" }
  | { readonly kind: "invalid" };

const move = (to: PowerState, event: LifecycleEventType | null): Transition => ({
  kind: "move",
  to,
  event,
});
const noop: Transition = { kind: "noop" };
const invalid: Transition = { kind: "invalid" };

/**
 * The normative power-state table of the contract: operation x current
 * state -> transition. The contract guide renders it, the reference driver
 * enforces it, and the conformance suite checks every cell.
 *
 * The rule behind the `noop` cells: an operation whose target state already
 * holds resolves without effect, so a retried call gets the same answer.
 *
 * @public
 */
export const POWER_TRANSITIONS: Readonly<
  Record<PowerOperation, Readonly<Record<PowerState, Transition>>>
> = {
  powerOff: {
    running: move("stopped", "stopped"),
    paused: move("stopped", "stopped"),
    suspended: move("stopped", "stopped"),
    stopped: noop,
    crashed: move("stopped", "stopped"),
  },
  powerOn: {
    running: noop,
    paused: invalid,
    suspended: invalid,
    stopped: move("running", "started"),
    crashed: move("running", "started"),
  },
  rebootSoft: {
    running: move("running", null),
    paused: invalid,
    suspended: invalid,
    stopped: invalid,
    crashed: invalid,
  },
  rebootHard: {
    running: move("running", null),
    paused: move("running", "started"),
    suspended: move("running", "started"),
    stopped: move("running", "started"),
    crashed: move("running", "started"),
  },
  pause: {
    running: move("paused", "paused"),
    paused: noop,
    suspended: invalid,
    stopped: invalid,
    crashed: invalid,
  },
  unpause: {
    running: noop,
    paused: move("running", "resumed"),
    suspended: invalid,
    stopped: invalid,
    crashed: invalid,
  },
  suspend: {
    running: move("suspended", "suspended"),
    paused: move("suspended", "suspended"),
    suspended: noop,
    stopped: invalid,
    crashed: invalid,
  },
  resume: {
    running: noop,
    paused: invalid,
    suspended: move("running", "resumed"),
    stopped: invalid,
    crashed: invalid,
  },
};

/** The transition `operation` makes from `state`. @public */
export function transitionFor(operation: PowerOperation, state: PowerState): Transition {
  return POWER_TRANSITIONS[operation][state];
}

/**
 * Power states from which the other operations are allowed. Destroy and
 * the read operations apply in every state.
 *
 * @public
 */
export const ALLOWED_STATES = {
  /** Resize changes vCPUs and memory offline. */
  resize: ["stopped"],
  /** Attach and detach work on a running or a stopped instance. */
  attach: ["running", "stopped"],
  /** A snapshot can be taken in any state but crashed. */
  snapshot: ["running", "paused", "suspended", "stopped"],
  /** Live migration moves a running instance. */
  migrateLive: ["running"],
} as const satisfies Record<string, readonly PowerState[]>;

/**
 * The event destroy emits, by the state destroyed: as with power-off, every
 * state but `stopped` reports `stopped` as the instance goes.
 *
 * @public
 */
export function destroyEvent(state: PowerState): LifecycleEventType | null {
  return state === "stopped" ? null : "stopped";
}

/**
 * The power state each lifecycle event reports: the state the change
 * leads to. An event whose `powerState` differs is invalid.
 *
 * @public
 */
export const POWER_STATE_AFTER_EVENT: Readonly<Record<LifecycleEventType, PowerState>> = {
  started: "running",
  stopped: "stopped",
  paused: "paused",
  resumed: "running",
  suspended: "suspended",
  crashed: "crashed",
};

/**
 * The lifecycle event that reports a change from one power state to
 * another, or null when the state did not change. For drivers that learn of
 * a change after the fact (a revert, a crash, a guest shutting down).
 *
 * @public
 */
export function eventForChange(from: PowerState, to: PowerState): LifecycleEventType | null {
  if (from === to) return null;
  switch (to) {
    case "running":
      return from === "paused" || from === "suspended" ? "resumed" : "started";
    case "paused":
      return "paused";
    case "suspended":
      return "suspended";
    case "stopped":
      return "stopped";
    case "crashed":
      return "crashed";
  }
}
