import { afterEach, describe, expect, it } from "vitest";
import type { Cloud } from "../src/cloud.js";
import { InstanceConflict, isNovaError, NovaErrorCode } from "../src/errors.js";
import {
  ACTION_RULES,
  INSTANCE_ACTIONS,
  type InstanceAction,
  type PowerState,
  powerStateFromDriver,
  VM_STATE_FOR_POWER,
} from "../src/state/instance-states.js";
import { resetPersistentFakes } from "./fake-registry.js";
import { bootMany, caller, persistentHost, settled, testCloud, waitFor } from "./helpers.js";

const POWER_ACTIONS = INSTANCE_ACTIONS.filter((a) => a !== "delete");

describe("instance state under concurrent actions", () => {
  let cloud: Cloud | undefined;
  afterEach(async () => {
    await cloud?.close();
    cloud = undefined;
    resetPersistentFakes();
  });

  it("gives exactly one winner per state change among 200 concurrent conflicting actions, and typed conflicts to the rest", async () => {
    cloud = await testCloud([persistentHost("race-1")]);
    const [uuid] = await bootMany(cloud, 1);
    if (!uuid) throw new Error("no instance");
    const agent = cloud.computes.get("race-1");
    let accepted = 0;
    for (let round = 0; round < 12; round++) {
      const before = await cloud.service.show(caller, uuid);
      // Every power action of the table, 200 of them at once, in a mix that changes each round.
      const actions: InstanceAction[] = Array.from(
        { length: 200 },
        (_, i) => POWER_ACTIONS[(i * 7 + round) % POWER_ACTIONS.length] as InstanceAction,
      );
      const outcomes = await Promise.allSettled(
        actions.map((a) => cloud?.service.action(caller, uuid, a)),
      );
      const winners = outcomes.flatMap((o) =>
        o.status === "fulfilled" && o.value ? [o.value] : [],
      );
      accepted += winners.length;
      // A winner's action may finish while the storm is still arriving, and
      // then the next state change has its own winner; never two at once.
      expect(winners.length).toBeGreaterThanOrEqual(1);
      for (const o of outcomes) {
        if (o.status === "fulfilled") continue;
        expect(o.reason).toBeInstanceOf(InstanceConflict);
        expect(isNovaError(o.reason) && o.reason.code).toBe(NovaErrorCode.InstanceConflict);
        expect((o.reason as InstanceConflict).uuid).toBe(uuid);
      }
      await waitFor(cloud, uuid, settled);
      const info = await agent?.driverClient?.getInstanceInfo(uuid);
      const row = await cloud.service.show(caller, uuid);
      expect(row.taskState).toBeNull();
      expect(row.powerState).toBe(powerStateFromDriver(info?.powerState ?? "crashed"));
      expect(row.vmState).toBe(VM_STATE_FOR_POWER[row.powerState as PowerState]);
      expect(before.taskState).toBeNull();
    }
    // The accepted actions, in the order the records hold them, form one
    // valid chain: each allowed from the state the previous one left, and
    // none started before the previous one finished.
    const recorded = (await cloud.service.actions(caller, uuid)).filter(
      (a) => a.action !== "create",
    );
    expect(recorded).toHaveLength(accepted);
    let vm = "active";
    let lastFinish = 0;
    for (const a of recorded) {
      const rule = ACTION_RULES[a.action as InstanceAction];
      expect(rule.fromVm).toContain(vm);
      expect(a.result).toBe("Success");
      expect(a.startTime).toBeGreaterThanOrEqual(lastFinish);
      lastFinish = a.finishTime ?? Number.POSITIVE_INFINITY;
      vm = rule.done;
    }
    expect(new Set(recorded.map((a) => a.requestId)).size).toBe(recorded.length);
  });

  it("lets a delete preempt an action in flight; the action's finish loses to it and nothing is left", async () => {
    cloud = await testCloud([
      persistentHost(
        "race-2",
        {},
        { driverConfig: { hostname: "race-2", latencyMs: { powerOff: 30 } } },
      ),
    ]);
    const [uuid] = await bootMany(cloud, 1);
    if (!uuid) throw new Error("no instance");
    await cloud.service.stop(caller, uuid);
    const deleted = await Promise.allSettled(
      Array.from({ length: 20 }, () => cloud?.service.delete(caller, uuid)),
    );
    expect(deleted.filter((d) => d.status === "fulfilled")).toHaveLength(1);
    await waitFor(cloud, uuid, (n) => n.deleted);
    expect(await cloud.computes.get("race-2")?.driverClient?.listInstances()).toEqual([]);
    await expect(cloud.service.show(caller, uuid)).rejects.toMatchObject({
      code: NovaErrorCode.NotFound,
    });
  });

  it("records the power state a guest reached on its own, and the vm_state follows it", async () => {
    cloud = await testCloud([persistentHost("race-3")]);
    const [uuid] = await bootMany(cloud, 1);
    if (!uuid) throw new Error("no instance");
    const { persistentFake } = await import("./fake-registry.js");
    persistentFake("race-3").simulateGuestShutdown(uuid);
    const n = await waitFor(
      cloud,
      uuid,
      (x) => x.powerState === "shutdown" && x.vmState === "stopped",
    );
    expect(n.taskState).toBeNull();
    persistentFake("race-3").simulateCrash(uuid);
    // crashed -> error, which start does not leave; a hard reboot does.
    await waitFor(cloud, uuid, (x) => x.vmState === "error" && x.taskState === null);
    await expect(cloud.service.start(caller, uuid)).rejects.toMatchObject({
      code: NovaErrorCode.InstanceConflict,
      fields: { vmState: "error" },
    });
    await cloud.service.reboot(caller, uuid, "hard");
    const back = await waitFor(cloud, uuid, (x) => x.vmState === "active" && x.taskState === null);
    expect(back.powerState).toBe("running");
  });
});
