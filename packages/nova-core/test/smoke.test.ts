import { afterEach, describe, expect, it } from "vitest";
import type { Cloud } from "../src/cloud.js";
import { caller, settled, testCloud, waitFor } from "./helpers.js";

describe("a cloud in one process", () => {
  let cloud: Cloud | undefined;
  afterEach(async () => {
    await cloud?.close();
    cloud = undefined;
  });

  it("boots, stops, starts and deletes an instance through the service layer", async () => {
    cloud = await testCloud(2);
    const created = await cloud.service.create(caller, {
      name: "web",
      flavorId: "m1.small",
      imageId: "cirros",
    });
    expect(created.vmState).toBe("building");
    const active = await waitFor(cloud, created.uuid, settled);
    expect(active.vmState).toBe("active");
    expect(active.powerState).toBe("running");
    const host = cloud.computes.get(active.host ?? "");
    const info = await host?.driverClient?.getInstanceInfo(created.uuid);
    expect(info?.powerState).toBe("running");

    await cloud.service.stop(caller, created.uuid);
    const stopped = await waitFor(
      cloud,
      created.uuid,
      (n) => n.vmState === "stopped" && n.taskState === null,
    );
    expect(stopped.powerState).toBe("shutdown");
    await cloud.service.start(caller, created.uuid);
    await waitFor(cloud, created.uuid, (n) => n.vmState === "active" && n.taskState === null);

    await cloud.service.delete(caller, created.uuid);
    await waitFor(cloud, created.uuid, (n) => n.deleted);
    expect(await host?.driverClient?.listInstances()).toEqual([]);
    const actions = await cloud.service.actions(caller, created.uuid).catch((e: unknown) => e);
    expect((actions as { code?: string }).code).toBe("NOVA_ERR_NOT_FOUND");
  });
});
