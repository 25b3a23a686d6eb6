import type { Capability } from "../capabilities.js";

/**
 * Every driver operation the core may call, and the default deadline for
 * each. Deadlines are generous: they exist to free a stuck caller, not to
 * judge a slow hypervisor.
 *
 * @public
 */
export const DEFAULT_TIMEOUTS_MS = {
  init: 60_000,
  close: 30_000,
  getHostResources: 30_000,
  listInstances: 30_000,
  getInstanceInfo: 30_000,
  spawn: 600_000,
  destroy: 300_000,
  reboot: 300_000,
  powerOff: 3_900_000,
  powerOn: 300_000,
  pause: 60_000,
  unpause: 60_000,
  suspend: 600_000,
  resume: 600_000,
  attachBlockDevice: 120_000,
  detachBlockDevice: 120_000,
  attachInterface: 120_000,
  detachInterface: 120_000,
  createSnapshot: 600_000,
  listSnapshots: 30_000,
  revertToSnapshot: 600_000,
  deleteSnapshot: 300_000,
  getConsoleOutput: 30_000,
  resize: 300_000,
  migrateLive: 3_600_000,
} as const;

/** @public */
export type DriverOperation = keyof typeof DEFAULT_TIMEOUTS_MS;

/** The capability each optional operation needs. */
export const CAPABILITY_OF: Partial<Record<DriverOperation, Capability>> = {
  attachBlockDevice: "block-device",
  detachBlockDevice: "block-device",
  attachInterface: "network-interface",
  detachInterface: "network-interface",
  createSnapshot: "snapshot",
  listSnapshots: "snapshot",
  revertToSnapshot: "snapshot",
  deleteSnapshot: "snapshot",
  getConsoleOutput: "console-output",
  resize: "resize",
  migrateLive: "live-migration",
  suspend: "suspend",
  resume: "suspend",
};
