import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import type { Cloud } from "../src/cloud.js";
import { caller, settled, testCloud, waitFor } from "./helpers.js";

// driver-libvirt on libvirt's test driver (test:///default), loaded by path
// the way an operator names any out-of-tree driver. Skipped, saying why,
// where the binding was not built (libvirt's headers missing).
const LIBVIRT_DRIVER = fileURLToPath(new URL("../../driver-libvirt", import.meta.url));
const binding = fileURLToPath(new URL("../../node-libvirt/build/Release", import.meta.url));
const ready = existsSync(`${LIBVIRT_DRIVER}/dist/index.js`) && existsSync(binding);

describe.skipIf(!ready)("nova-core with driver-libvirt on test:///default", () => {
  let cloud: Cloud | undefined;
  afterEach(async () => {
    await cloud?.close();
    cloud = undefined;
  });

  it("boots, stops, starts, reboots and deletes through the whole engine", async () => {
    cloud = await testCloud([
      {
        host: "libvirt-test",
        driver: LIBVIRT_DRIVER,
        driverConfig: { uri: "test:///default" },
        powerSyncIntervalMs: 0,
        heartbeatIntervalMs: 0,
        resourceReportIntervalMs: 0,
      },
    ]);
    // libvirt's test driver reports almost no local disk: a flavor that
    // boots from the image's own size (root 0) asks for none.
    await cloud.admin.putFlavor({
      id: "lv.tiny",
      name: "lv.tiny",
      vcpus: 1,
      memoryMb: 128,
      rootGb: 0,
    });
    const agent = cloud.computes.get("libvirt-test");
    const before = (await agent?.driverClient?.listInstances())?.length ?? 0;
    const created = await cloud.service.create(caller, {
      name: "lv",
      flavorId: "lv.tiny",
      imageId: "cirros",
    });
    const n = await waitFor(cloud, created.uuid, settled);
    const faults = await cloud.engine.db
      .selectFrom("instance_faults")
      .select(["message"])
      .execute();
    expect(faults).toEqual([]);
    expect(n.vmState).toBe("active");
    expect((await agent?.driverClient?.getInstanceInfo(created.uuid))?.powerState).toBe("running");
    await cloud.service.stop(caller, created.uuid);
    await waitFor(cloud, created.uuid, (x) => x.vmState === "stopped" && x.taskState === null);
    expect((await agent?.driverClient?.getInstanceInfo(created.uuid))?.powerState).toBe("stopped");
    await cloud.service.start(caller, created.uuid);
    await waitFor(cloud, created.uuid, (x) => x.vmState === "active" && x.taskState === null);
    await cloud.service.reboot(caller, created.uuid, "hard");
    await waitFor(
      cloud,
      created.uuid,
      (x) => x.vmState === "active" && x.taskState === null && x.version > n.version + 4,
    );
    await cloud.service.delete(caller, created.uuid);
    await waitFor(cloud, created.uuid, (x) => x.deleted);
    expect((await agent?.driverClient?.listInstances())?.length ?? 0).toBe(before);
  });
});
