import { randomUUID } from "node:crypto";
import { ErrorCode } from "@novakit/driver-api";
import { afterEach, describe, expect, it } from "vitest";
import type { Cloud } from "../src/cloud.js";
import { ComputeRpcClient } from "../src/compute/rpcapi.js";
import { countAllocations } from "../src/db/repos/placement.js";
import { ComputeFailure } from "../src/errors.js";
import { persistentFake, resetPersistentFakes } from "./fake-registry.js";
import {
  bootMany,
  caller,
  fakeHost,
  persistentHost,
  STUBBORN_FAKE,
  settled,
  testCloud,
  waitFor,
} from "./helpers.js";

const ctx = () => ({ requestId: `req-${randomUUID()}`, projectId: "p1", userId: "u1" });
const opts = () => ({ signal: new AbortController().signal, requestId: "test" });

describe("the compute agent", () => {
  let cloud: Cloud | undefined;
  afterEach(async () => {
    await cloud?.close();
    cloud = undefined;
    resetPersistentFakes();
  });

  it("reschedules a spawn that failed on its host, releasing that claim, and succeeds elsewhere", async () => {
    cloud = await testCloud([persistentHost("r-1"), persistentHost("r-2"), persistentHost("r-3")]);
    persistentFake("r-1").setHypervisorAvailable(false);
    persistentFake("r-2").setHypervisorAvailable(false);
    const [uuid] = await bootMany(cloud, 1);
    const row = await cloud.service.show(caller, uuid);
    expect(row.vmState).toBe("active");
    expect(row.host).toBe("r-3");
    expect(await countAllocations(cloud.engine.db)).toEqual({ consumers: 1, rows: 3 });
    const faults = await cloud.engine.db.selectFrom("instance_faults").selectAll().execute();
    expect(faults.length).toBeLessThanOrEqual(2);
    for (const f of faults) expect(f.code).toBe("NOVA_ERR_COMPUTE_FAILURE");
    const [create] = await cloud.service.actions(caller, uuid);
    expect(create?.result).toBe("Success");
  });

  it("puts the instance in ERROR with its fault after maxBuildAttempts failed spawns, with nothing claimed", async () => {
    cloud = await testCloud([persistentHost("e-1"), persistentHost("e-2"), persistentHost("e-3")], {
      conductor: { maxBuildAttempts: 2 },
    });
    for (const h of ["e-1", "e-2", "e-3"]) persistentFake(h).setHypervisorAvailable(false);
    const created = await cloud.service.create(caller, {
      name: "doomed",
      flavorId: "m1.small",
      imageId: "cirros",
    });
    const n = await waitFor(cloud, created.uuid, settled);
    expect(n.vmState).toBe("error");
    expect(n.host).toBeNull();
    const faults = await cloud.engine.db.selectFrom("instance_faults").selectAll().execute();
    expect(faults).toHaveLength(2);
    expect(JSON.parse(faults[1]?.details ?? "{}").driverCode).toBe(ErrorCode.HypervisorUnavailable);
    expect(await countAllocations(cloud.engine.db)).toEqual({ consumers: 0, rows: 0 });
    const [create] = await cloud.service.actions(caller, created.uuid);
    expect(create?.result).toBe("Error");
    expect(create?.events.filter((e) => e.result === "Error")).toHaveLength(2);
  });

  it("after a driver timeout, runs the next operation on that instance only once the driver's call settled", async () => {
    const host = fakeHost(
      "slow-1",
      {},
      {
        driver: STUBBORN_FAKE,
        driverConfig: { hostname: "slow-1", latencyMs: { pause: 150 } },
        driverTimeoutsMs: { pause: 20 },
        settleGraceMs: 10_000,
      },
    );
    cloud = await testCloud([host]);
    const [uuid] = await bootMany(cloud, 1);
    const instance = await cloud.service.show(caller, uuid);
    const compute = new ComputeRpcClient(cloud.transport, cloud.pins);
    // Straight to the agent, both at once: the lane, not the conductor, orders them.
    const [pause, unpause] = await Promise.allSettled([
      compute.powerAction(ctx(), instance, "pause"),
      compute.powerAction(ctx(), instance, "unpause"),
    ]);
    expect(pause.status).toBe("rejected");
    const failure = (pause as PromiseRejectedResult).reason as ComputeFailure;
    expect(failure).toBeInstanceOf(ComputeFailure);
    expect(failure.driverCode).toBe(ErrorCode.Timeout);
    // Read back after the late pause finished: the agent saw it paused.
    expect(failure.observed?.powerState).toBe("paused");
    expect(unpause.status).toBe("fulfilled");
    expect((unpause as PromiseFulfilledResult<{ powerState: string }>).value.powerState).toBe(
      "running",
    );
    expect((await persistentFake("slow-1").getInstanceInfo(uuid ?? "", opts())).powerState).toBe(
      "running",
    );
  });

  it("marks an instance for reconcile when a timed-out call does not settle within the grace period", async () => {
    const host = fakeHost(
      "slow-2",
      {},
      {
        driver: STUBBORN_FAKE,
        driverConfig: { hostname: "slow-2", latencyMs: { suspend: 300 } },
        driverTimeoutsMs: { suspend: 20 },
        settleGraceMs: 30,
      },
    );
    cloud = await testCloud([host]);
    const [uuid] = await bootMany(cloud, 1);
    await cloud.service.suspend(caller, uuid);
    const n = await waitFor(cloud, uuid ?? "", (x) => x.taskState === null && x.version > 3);
    expect(n.vmState).toBe("active");
    await cloud.computes.get("slow-2")?.syncPowerStates();
    const row = await cloud.engine.db
      .selectFrom("instances")
      .selectAll()
      .where("uuid", "=", uuid ?? "")
      .executeTakeFirstOrThrow();
    expect(row.needs_reconcile).toBe(1);
  });

  it("on restart finds its running instances, reports the ones destroyed behind its back and the strays", async () => {
    cloud = await testCloud([persistentHost("rs-1")]);
    const uuids = await bootMany(cloud, 3);
    await cloud.removeComputeHost("rs-1");
    const fake = persistentFake("rs-1");
    await fake.init(opts());
    await fake.destroy(uuids[0] ?? "", opts());
    const stray = randomUUID();
    await fake.spawn(
      {
        uuid: stray,
        name: "stray",
        flavor: { name: "x", vcpus: 1, memoryMiB: 64, rootDiskGiB: 0 },
        image: { id: "cirros" },
        owner: { projectId: "p9", userId: "u9" },
        metadata: {},
      },
      opts(),
    );
    const agent = await cloud.addComputeHost(persistentHost("rs-1"));
    expect(agent.lastReconcile?.found).toEqual([...uuids.slice(1)].sort());
    expect(agent.lastReconcile?.missing).toEqual([uuids[0]]);
    expect(agent.lastReconcile?.unknown).toEqual([stray]);
    expect(cloud.conductor.reconcileReports().get("rs-1")?.missing).toEqual([uuids[0]]);
    // Policy: missing goes to ERROR with a fault; the running ones stay as they were.
    await waitFor(cloud, uuids[0] ?? "", (n) => n.vmState === "error");
    for (const u of uuids.slice(1))
      expect((await cloud.service.show(caller, u)).vmState).toBe("active");
    const faults = await cloud.engine.db
      .selectFrom("instance_faults")
      .selectAll()
      .where("instance_uuid", "=", uuids[0] ?? "")
      .execute();
    expect(faults[0]?.code).toBe("NOVA_RECONCILE_MISSING");
  });

  it("destroys strays on start when its policy says so", async () => {
    cloud = await testCloud([persistentHost("rs-2")]);
    const fake = persistentFake("rs-2");
    await cloud.removeComputeHost("rs-2");
    await fake.init(opts());
    const stray = randomUUID();
    await fake.spawn(
      {
        uuid: stray,
        name: "stray",
        flavor: { name: "x", vcpus: 1, memoryMiB: 64, rootDiskGiB: 0 },
        image: { id: "cirros" },
        owner: { projectId: "p9", userId: "u9" },
        metadata: {},
      },
      opts(),
    );
    const agent = await cloud.addComputeHost(
      persistentHost("rs-2", {}, { reconcilePolicy: { unknown: "destroy", missing: "report" } }),
    );
    expect(agent.lastReconcile?.unknown).toEqual([stray]);
    expect(await fake.listInstances(opts())).toEqual([]);
  });
});

describe("a build whose conductor died mid-way", () => {
  it("goes to ERROR with a fault once it made no progress for the build timeout", async () => {
    const cloud = await testCloud(1, { conductor: { buildTimeoutMs: 60_000 } });
    try {
      const created = await cloud.service.create(caller, {
        name: "fine",
        flavorId: "m1.small",
        imageId: "cirros",
      });
      await waitFor(cloud, created.uuid, settled);
      // A build left in spawning by a conductor that is gone: last touched two minutes ago.
      const old = Date.now() - 120_000;
      await cloud.engine.db
        .updateTable("instances")
        .set({ vm_state: "building", task_state: "spawning", updated_at: old })
        .where("uuid", "=", created.uuid)
        .execute();
      expect(await cloud.conductor.failStuckBuilds()).toBe(1);
      expect(await cloud.conductor.failStuckBuilds()).toBe(0);
      const row = await cloud.service.show(caller, created.uuid);
      expect(row.vmState).toBe("error");
      expect(row.host).not.toBeNull();
      const faults = await cloud.engine.db
        .selectFrom("instance_faults")
        .selectAll()
        .where("instance_uuid", "=", created.uuid)
        .execute();
      expect(faults.map((f) => f.code)).toEqual(["NOVA_BUILD_TIMEOUT"]);
      // A delete then cleans up what reached the hypervisor.
      await cloud.service.delete(caller, created.uuid);
      await waitFor(cloud, created.uuid, (n) => n.deleted);
      expect(await cloud.computes.get(row.host ?? "")?.driverClient?.listInstances()).toEqual([]);
    } finally {
      await cloud.close();
    }
  });
});

describe("a spawn that outlives its deadline", () => {
  it("is cleaned up on its host once the driver's call settles, and the build moves to another host", async () => {
    const slow = fakeHost(
      "late-1",
      {},
      {
        driver: STUBBORN_FAKE,
        driverConfig: { hostname: "late-1", latencyMs: { spawn: 150 } },
        driverTimeoutsMs: { spawn: 20 },
        settleGraceMs: 10_000,
      },
    );
    // ok-1 first, with one instance on it; then late-1, empty, which
    // spreading therefore tries first.
    const cloud = await testCloud([fakeHost("ok-1")]);
    try {
      await bootMany(cloud, 1);
      await cloud.addComputeHost(slow);
      const [uuid] = await bootMany(cloud, 1);
      const row = await cloud.service.show(caller, uuid);
      expect(row.vmState).toBe("active");
      expect(row.host).toBe("ok-1");
      // The late domain on the slow host was removed after it appeared.
      expect(await persistentFake("late-1").listInstances(opts())).toEqual([]);
      const faults = await cloud.engine.db.selectFrom("instance_faults").selectAll().execute();
      expect(faults).toHaveLength(1);
      expect(JSON.parse(faults[0]?.details ?? "{}").driverCode).toBe(ErrorCode.Timeout);
      expect(await countAllocations(cloud.engine.db)).toEqual({ consumers: 2, rows: 6 });
    } finally {
      await cloud.close();
      resetPersistentFakes();
    }
  });
});
