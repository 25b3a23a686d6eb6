import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import type { Cloud } from "../src/cloud.js";
import { NovaErrorCode } from "../src/errors.js";
import { toPrimitive } from "../src/objects/base.js";
import { InstanceObject } from "../src/objects/instance.js";
import { RPC_APIS } from "../src/rpc/api-versions.js";
import { RpcClient } from "../src/rpc/client.js";
import { VersionPins } from "../src/rpc/pins.js";
import { caller, fakeHost, settled, testCloud, waitFor } from "./helpers.js";

const PREVIOUS = { rpcVersion: "1.0", objectVersions: { Instance: "1.0" } };
const ctx = () => ({ requestId: `req-${randomUUID()}`, projectId: "p1", userId: "u1" });

async function bootAndDelete(cloud: Cloud) {
  const created = await cloud.service.create(caller, {
    name: "rolling",
    flavorId: "m1.small",
    imageId: "cirros",
    description: "kept by the records, never sent to a 1.0 agent",
  });
  const active = await waitFor(cloud, created.uuid, settled);
  expect(active.vmState).toBe("active");
  const [create] = await cloud.service.actions(caller, created.uuid);
  const spawnEvent = create?.events.find((e) => e.event === "compute_spawn_instance");
  expect(spawnEvent?.result).toBe("Success");
  expect((await cloud.service.show(caller, created.uuid)).description).toBe(
    "kept by the records, never sent to a 1.0 agent",
  );
  await cloud.service.delete(caller, created.uuid);
  await waitFor(cloud, created.uuid, (n) => n.deleted);
  return {
    host: active.host,
    details: JSON.parse(spawnEvent?.details ?? "{}") as { attempt: number | null },
  };
}

describe("a rolling upgrade, one compute host at a time", () => {
  let cloud: Cloud | undefined;
  afterEach(async () => {
    await cloud?.close();
    cloud = undefined;
  });

  it("boots and deletes through an agent of the previous minor, then lifts the pin once it is replaced", async () => {
    cloud = await testCloud([fakeHost("old-1", {}, { speaks: PREVIOUS })]);
    // The newer conductor pins itself to what the oldest compute speaks.
    expect(cloud.pins.rpcCap("compute")).toBe("1.0");
    expect(cloud.pins.objectVersion("Instance")).toBe("1.0");
    expect(cloud.conductor.computeClient.spawnVersion).toBe("1.0");
    const onOld = await bootAndDelete(cloud);
    expect(onOld.host).toBe("old-1");
    // A 1.0 spawn carries no attempt: the old agent recorded none.
    expect(onOld.details.attempt).toBeNull();

    // The old agent refuses what it cannot read, rather than guess.
    const direct = new RpcClient(cloud.transport, {
      topic: "compute",
      version: RPC_APIS.compute.current,
      pins: new VersionPins(),
    });
    const newer = await direct
      .call(ctx(), "spawn_instance", {}, { version: "1.1", target: { server: "old-1" } })
      .catch((e: unknown) => e);
    expect(newer).toMatchObject({
      code: NovaErrorCode.RpcVersion,
      fields: { requested: "1.1", supported: "1.0" },
    });
    const instance = toPrimitive(InstanceObject, {
      uuid: randomUUID(),
      displayName: "x",
      description: "d",
      projectId: "p1",
      userId: "u1",
      flavor: {
        id: "m1.small",
        name: "m1.small",
        vcpus: 1,
        memoryMiB: 512,
        rootDiskGiB: 1,
        ephemeralDiskGiB: 0,
      },
      image: { id: "cirros", location: null, format: null },
      metadata: {},
      vmState: "building",
      taskState: "spawning",
      powerState: "nostate",
      host: "old-1",
      availabilityZone: null,
      serverGroupId: null,
      version: 1,
      createdAt: 0,
      launchedAt: null,
    });
    const unreadable = await direct
      .call(ctx(), "spawn_instance", { instance }, { version: "1.0", target: { server: "old-1" } })
      .catch((e: unknown) => e);
    expect(unreadable).toMatchObject({
      code: NovaErrorCode.ObjectVersion,
      fields: { objectName: "Instance", version: "1.1" },
    });

    // Upgrade the host: the new agent joins, the old one leaves, the pin lifts.
    await cloud.addComputeHost(fakeHost("new-1"));
    expect(cloud.pins.rpcCap("compute")).toBe("1.0");
    await cloud.removeComputeHost("old-1");
    expect(cloud.pins.rpcCap("compute")).toBe("1.1");
    expect(cloud.pins.objectVersion("Instance")).toBe("1.1");
    expect(cloud.conductor.computeClient.spawnVersion).toBe("1.1");
    const onNew = await bootAndDelete(cloud);
    expect(onNew.host).toBe("new-1");
    expect(onNew.details.attempt).toBe(1);
  });
});
