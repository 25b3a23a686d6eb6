import type { PowerState } from "@novakit/driver-api";

// libvirt's virDomainState values and the shutoff reason that means a crash.
const RUNNING = 1;
const BLOCKED = 2;
const PAUSED = 3;
const SHUTDOWN = 4;
const SHUTOFF = 5;
const CRASHED = 6;
const PMSUSPENDED = 7;
const SHUTOFF_CRASHED = 3;

/**
 * The contract's power state for a libvirt state. A shut-off domain with a
 * managed-save image is `suspended` (that is how the driver suspends); one
 * shut off by a crash is `crashed`.
 */
export function mapLibvirtState(
  state: number,
  reason: number,
  hasManagedSave: boolean,
): PowerState {
  switch (state) {
    case RUNNING:
    case BLOCKED:
    case SHUTDOWN: // still running while it shuts down
      return "running";
    case PAUSED:
      return "paused";
    case PMSUSPENDED:
      return "suspended";
    case CRASHED:
      return "crashed";
    case SHUTOFF:
      if (hasManagedSave) return "suspended";
      return reason === SHUTOFF_CRASHED ? "crashed" : "stopped";
    default:
      return "stopped";
  }
}

/** True for states in which libvirt considers the domain active. */
export function isActive(state: PowerState): boolean {
  return state === "running" || state === "paused";
}
