import type {
  AttachedBlockDevice,
  AttachedInterface,
  InstanceInfo,
  PowerState,
  SnapshotInfo,
  SpawnRequest,
} from "@novakit/driver-api";

/** What a snapshot keeps, so revert can put it back. */
export interface FakeSnapshot {
  readonly info: SnapshotInfo;
  readonly vcpus: number;
  readonly memoryMiB: number;
}

/**
 * One instance as the fake hypervisor holds it. The spawn request is kept as
 * a structured clone, so nothing the caller does to its object later reaches
 * the hypervisor's copy, and names and metadata come back byte for byte.
 */
export class FakeInstance {
  readonly uuid: string;
  readonly request: Readonly<SpawnRequest>;
  powerState: PowerState = "running";
  vcpus: number;
  memoryMiB: number;
  /** When the guest last started (ms since epoch), or null when it holds no running guest. */
  startedAt: number | null;
  readonly blockDevices = new Map<string, AttachedBlockDevice>();
  readonly interfaces = new Map<string, AttachedInterface>();
  readonly snapshots: FakeSnapshot[] = [];
  readonly console: string[] = [];

  constructor(request: SpawnRequest, now: number) {
    this.request = structuredClone(request);
    this.uuid = request.uuid;
    this.vcpus = request.flavor.vcpus;
    this.memoryMiB = request.flavor.memoryMiB;
    this.startedAt = now;
  }

  get diskGiB(): number {
    return this.request.flavor.rootDiskGiB + (this.request.flavor.ephemeralDiskGiB ?? 0);
  }

  /** Records the state change, and the boot or shutdown line a guest would print. */
  moveTo(state: PowerState, now: number): void {
    const wasUp = this.powerState === "running" || this.powerState === "paused";
    const isUp = state === "running" || state === "paused";
    if (!wasUp && isUp) {
      this.startedAt = now;
      this.console.push(`[fake] ${this.uuid} booting`, `[fake] ${this.uuid} reached init`);
    } else if (wasUp && !isUp) {
      this.startedAt = null;
      this.console.push(
        `[fake] ${this.uuid} ${state === "suspended" ? "saved to disk" : "powered off"}`,
      );
    }
    this.powerState = state;
  }

  /** Records a reboot of a guest that stays up. */
  rebooted(now: number): void {
    this.startedAt = now;
    this.console.push(`[fake] ${this.uuid} rebooting`, `[fake] ${this.uuid} reached init`);
  }

  info(now: number): InstanceInfo {
    return {
      uuid: this.uuid,
      name: this.request.name,
      powerState: this.powerState,
      vcpus: this.vcpus,
      memoryMiB: this.memoryMiB,
      uptimeSeconds: this.startedAt === null ? 0 : Math.max(0, (now - this.startedAt) / 1000),
      metadata: { ...this.request.metadata },
      blockDevices: [...this.blockDevices.values()].map((d) => ({ ...d })),
      interfaces: [...this.interfaces.values()].map((i) => ({ ...i })),
    };
  }
}
