import { fileURLToPath } from "node:url";
import { type Cloud, type CloudConfig, createCloud } from "../src/cloud.js";
import type { ComputeAgentConfig } from "../src/compute/config.js";
import type { InstanceNotification } from "../src/conductor/notifier.js";
import { testEngine, testTransport } from "./engines.js";

/** The package's own directory: where driver packages are resolved from. */
export const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url));

/** A persistent fake: driver-fake whose hypervisor outlives its agent (see the fixture). */
export const PERSISTENT_FAKE = fileURLToPath(
  new URL("./fixtures/persistent-fake", import.meta.url),
);

export const caller: { projectId: string; userId: string } = { projectId: "p1", userId: "u1" };

export const FLAVORS = [
  { id: "m1.small", name: "m1.small", vcpus: 1, memoryMb: 512, rootGb: 1 },
  { id: "m1.medium", name: "m1.medium", vcpus: 2, memoryMb: 2048, rootGb: 10 },
  {
    id: "snap",
    name: "needs-snapshot",
    vcpus: 1,
    memoryMb: 512,
    rootGb: 1,
    extraSpecs: { "trait:COMPUTE_SNAPSHOT": "required" },
  },
];
export const IMAGES = [
  { id: "cirros", name: "cirros", location: "/images/cirros.qcow2", diskFormat: "qcow2" as const },
];

/** A fake compute host of the given size. */
export function fakeHost(
  host: string,
  size: { vcpus?: number; memoryMiB?: number; diskGiB?: number } = {},
  extra: Partial<ComputeAgentConfig> = {},
): ComputeAgentConfig {
  return {
    host,
    driver: "@novakit/driver-fake",
    fromDir: PACKAGE_DIR,
    driverConfig: {
      hostname: host,
      host: { vcpus: 64, memoryMiB: 262_144, diskGiB: 4096, ...size },
    },
    // No periodic sync unless a test asks: tests wait for state changes by
    // notification, and a sync in between would be a change they did not make.
    powerSyncIntervalMs: 0,
    // Heartbeats on (Nova's 10 s): a long suite must not see its hosts go down.
    heartbeatIntervalMs: 10_000,
    resourceReportIntervalMs: 0,
    ...extra,
  };
}

/** A cloud with `hosts` fake compute hosts and the test flavors and images, on the suite's engine. */
export async function testCloud(
  hosts: number | readonly ComputeAgentConfig[],
  config: CloudConfig = {},
): Promise<Cloud> {
  const computeHosts =
    typeof hosts === "number"
      ? Array.from({ length: hosts }, (_, i) => fakeHost(`host-${i + 1}`))
      : hosts;
  const { engine, cleanup } = await testEngine();
  const transport = await testTransport();
  const cloud = await createCloud({
    computeHosts,
    bootstrap: { flavors: FLAVORS, images: IMAGES },
    pinRefreshIntervalMs: 0,
    ...(engine ? { engine } : {}),
    ...(transport ? { transport } : {}),
    ...config,
  });
  const close = cloud.close;
  return Object.assign(cloud, {
    close: async () => {
      await close();
      await cleanup();
    },
  });
}

/** Waits for an instance to reach a state (by notification, never by sleeping). */
export function waitFor(
  cloud: Cloud,
  uuid: string,
  predicate: (n: InstanceNotification) => boolean,
) {
  return cloud.notifications.waitFor(uuid, predicate);
}

export const settled = (n: InstanceNotification) =>
  n.taskState === null && n.vmState !== "building";

/** A host on the persistent fake: its hypervisor survives its agent, and tests can reach it. */
export function persistentHost(
  host: string,
  size: { vcpus?: number; memoryMiB?: number; diskGiB?: number } = {},
  extra: Partial<ComputeAgentConfig> = {},
): ComputeAgentConfig {
  return { ...fakeHost(host, size, extra), driver: PERSISTENT_FAKE };
}

/** Boots `count` instances and waits until each has settled; returns their UUIDs. */
export async function bootMany(
  cloud: Cloud,
  count: number,
  request: Record<string, unknown> = {},
  who = caller,
): Promise<string[]> {
  const created = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      cloud.service.create(who, {
        name: `vm-${i}`,
        flavorId: "m1.small",
        imageId: "cirros",
        ...request,
      }),
    ),
  );
  await Promise.all(created.map((c) => waitFor(cloud, c.uuid, settled)));
  return created.map((c) => c.uuid);
}

/** A host on a fake that ignores its abort signal: a timed-out call goes on. */
export const STUBBORN_FAKE = fileURLToPath(new URL("./fixtures/stubborn-fake", import.meta.url));
