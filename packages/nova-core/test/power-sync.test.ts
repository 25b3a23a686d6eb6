import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import type { Cloud } from "../src/cloud.js";
import { ConductorRpcClient } from "../src/conductor/rpcapi.js";
import { dropEvents, persistentFake, resetPersistentFakes } from "./fake-registry.js";
import { bootMany, caller, persistentHost, testCloud, waitFor } from "./helpers.js";

describe("power states follow the hypervisor", () => {
  let cloud: Cloud | undefined;
  afterEach(async () => {
    await cloud?.close();
    cloud = undefined;
    resetPersistentFakes();
  });

  it("the periodic sync catches a change whose lifecycle event was lost", async () => {
    cloud = await testCloud([persistentHost("sync-1", {}, { powerSyncIntervalMs: 25 })]);
    const [uuid] = await bootMany(cloud, 1);
    dropEvents("sync-1");
    persistentFake("sync-1").simulateGuestShutdown(uuid ?? "");
    const n = await waitFor(cloud, uuid ?? "", (x) => x.powerState === "shutdown");
    expect(n.vmState).toBe("stopped");
    // It was the periodic task: stopping it waits for its run in progress.
    const task = cloud.computes.get("sync-1")?.periodic.powerSync;
    await task?.stop();
    expect(task?.stats.runs).toBeGreaterThan(0);
  });

  it("never lets an older observation overwrite a newer one, whatever order they arrive in", async () => {
    cloud = await testCloud([persistentHost("sync-2")]);
    const [uuid] = await bootMany(cloud, 1);
    const conductor = new ConductorRpcClient(cloud.transport, cloud.pins);
    const ctx = { requestId: `req-${randomUUID()}`, projectId: "system", userId: "test" };
    const now = Date.now() * 1000 + 10_000_000;
    await conductor.syncPowerStates(ctx, "sync-2", [
      { uuid: uuid ?? "", powerState: "paused", stamp: now + 2 },
    ]);
    await conductor.syncPowerStates(ctx, "sync-2", [
      { uuid: uuid ?? "", powerState: "shutdown", stamp: now + 1 },
    ]);
    const row = await cloud.service.show(caller, uuid);
    expect(row.powerState).toBe("paused");
    // And news from a host the instance is not on changes nothing but is kept out.
    await conductor.syncPowerStates(ctx, "elsewhere", [
      { uuid: uuid ?? "", powerState: "crashed", stamp: now + 3 },
    ]);
    expect((await cloud.service.show(caller, uuid)).vmState).toBe("paused");
  });
});
