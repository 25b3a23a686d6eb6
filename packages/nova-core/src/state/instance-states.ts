import type { PowerState as DriverPowerState, PowerOperation } from "@novakit/driver-api";

// Nova's three state axes and every allowed transition, written once as
// data. The service layer's conflict errors, the conductor's compare-and-
// swap and docs/rpc-versioning.md's neighbours all read these tables; no
// other file decides which state may follow which.

/** What the instance is, as the user sees it. @public */
export const VM_STATES = [
  "building",
  "active",
  "stopped",
  "paused",
  "suspended",
  "error",
  "deleted",
] as const;
/** @public */
export type VmState = (typeof VM_STATES)[number];

/** What is being done to it right now; null when nothing is. @public */
export const TASK_STATES = [
  "scheduling",
  "spawning",
  "rebooting",
  "rebooting_hard",
  "powering_off",
  "powering_on",
  "pausing",
  "unpausing",
  "suspending",
  "resuming",
  "deleting",
] as const;
/** @public */
export type TaskState = (typeof TASK_STATES)[number];

/** What the hypervisor last said, in Nova's words. @public */
export const POWER_STATES = [
  "nostate",
  "running",
  "paused",
  "shutdown",
  "crashed",
  "suspended",
] as const;
/** @public */
export type PowerState = (typeof POWER_STATES)[number];

const FROM_DRIVER: Readonly<Record<DriverPowerState, PowerState>> = {
  running: "running",
  paused: "paused",
  suspended: "suspended",
  stopped: "shutdown",
  crashed: "crashed",
};

/** The contract's power state in Nova's words (`stopped` is Nova's `shutdown`). @public */
export function powerStateFromDriver(state: DriverPowerState): PowerState {
  return FROM_DRIVER[state];
}

/**
 * The vm_state the hypervisor's power state implies, for an instance with
 * no task in flight: what the power-state sync brings the record to.
 *
 * @public
 */
export const VM_STATE_FOR_POWER: Readonly<Record<PowerState, VmState | null>> = {
  nostate: null,
  running: "active",
  paused: "paused",
  shutdown: "stopped",
  crashed: "error",
  suspended: "suspended",
};

/** The actions a user may ask for. @public */
export const INSTANCE_ACTIONS = [
  "reboot_soft",
  "reboot_hard",
  "stop",
  "start",
  "pause",
  "unpause",
  "suspend",
  "resume",
  "delete",
] as const;
/** @public */
export type InstanceAction = (typeof INSTANCE_ACTIONS)[number];

/** One user action: where it may start, the task it runs as, where it ends. @public */
export interface ActionRule {
  readonly fromVm: readonly VmState[];
  readonly fromTask: readonly (TaskState | null)[];
  /** The task_state while it runs; set by the compare-and-swap that accepts it. */
  readonly task: TaskState;
  /** The vm_state once the driver succeeded. */
  readonly done: VmState;
  /** The driver operation the compute agent runs. */
  readonly driverOp: PowerOperation | "destroy";
}

const LIVE: readonly VmState[] = ["building", "active", "stopped", "paused", "suspended", "error"];

/**
 * The action table. Like Nova, an action starts only with no task in flight,
 * except delete, which may preempt any task but another delete; the compute
 * agent's per-instance queue runs it after the preempted operation ends.
 *
 * @public
 */
export const ACTION_RULES: Readonly<Record<InstanceAction, ActionRule>> = {
  reboot_soft: {
    fromVm: ["active"],
    fromTask: [null],
    task: "rebooting",
    done: "active",
    driverOp: "rebootSoft",
  },
  reboot_hard: {
    fromVm: ["active", "stopped", "paused", "suspended", "error"],
    fromTask: [null],
    task: "rebooting_hard",
    done: "active",
    driverOp: "rebootHard",
  },
  stop: {
    fromVm: ["active", "paused", "suspended", "error"],
    fromTask: [null],
    task: "powering_off",
    done: "stopped",
    driverOp: "powerOff",
  },
  start: {
    fromVm: ["stopped"],
    fromTask: [null],
    task: "powering_on",
    done: "active",
    driverOp: "powerOn",
  },
  pause: {
    fromVm: ["active"],
    fromTask: [null],
    task: "pausing",
    done: "paused",
    driverOp: "pause",
  },
  unpause: {
    fromVm: ["paused"],
    fromTask: [null],
    task: "unpausing",
    done: "active",
    driverOp: "unpause",
  },
  suspend: {
    fromVm: ["active"],
    fromTask: [null],
    task: "suspending",
    done: "suspended",
    driverOp: "suspend",
  },
  resume: {
    fromVm: ["suspended"],
    fromTask: [null],
    task: "resuming",
    done: "active",
    driverOp: "resume",
  },
  delete: {
    fromVm: LIVE,
    fromTask: [null, ...TASK_STATES.filter((t) => t !== "deleting")],
    task: "deleting",
    done: "deleted",
    driverOp: "destroy",
  },
};

/** A transition: the states it may start from and what it writes. @public */
export interface Transition {
  readonly fromVm: readonly VmState[];
  readonly fromTask: readonly (TaskState | null)[];
  /** The vm_state written; absent keeps the current one. */
  readonly toVm?: VmState;
  readonly toTask: TaskState | null;
}

/** The transitions of the build, which no user asks for but which race user actions all the same. @public */
export const BUILD_TRANSITIONS = {
  /** The scheduler's claim succeeded: the instance now has a host. */
  claimed: { fromVm: ["building"], fromTask: ["scheduling"], toTask: "spawning" },
  /** The spawn failed on the host and another attempt is allowed. */
  reschedule: { fromVm: ["building"], fromTask: ["spawning"], toTask: "scheduling" },
  /** The driver spawned it. */
  spawned: { fromVm: ["building"], fromTask: ["spawning"], toVm: "active", toTask: null },
  /** No host, no attempts left, or quota lost after the claim. */
  failed: {
    fromVm: ["building"],
    fromTask: ["scheduling", "spawning"],
    toVm: "error",
    toTask: null,
  },
} as const satisfies Record<string, Transition>;

/** The transition that accepts `action`. @public */
export function acceptTransition(action: InstanceAction): Transition {
  const rule = ACTION_RULES[action];
  return { fromVm: rule.fromVm, fromTask: rule.fromTask, toTask: rule.task };
}

/** The transition that ends `action`, successfully or not (then the vm_state is kept). @public */
export function finishTransition(action: InstanceAction, succeeded: boolean): Transition {
  const rule = ACTION_RULES[action];
  const base = { fromVm: [...VM_STATES], fromTask: [rule.task], toTask: null };
  return succeeded ? { ...base, toVm: rule.done } : base;
}

/** True when `transition` may start from these states. @public */
export function allows(
  transition: Transition,
  vmState: VmState,
  taskState: TaskState | null,
): boolean {
  return transition.fromVm.includes(vmState) && transition.fromTask.includes(taskState);
}
