import {
  destroyEvent,
  POWER_STATES,
  POWER_TRANSITIONS,
  type PowerOperation,
  type PowerState,
} from "@novakit/driver-api";
import { expect } from "vitest";
import { transitionClauseId } from "../../catalog/clauses.js";
import { check } from "../check.js";
import { NotApplicable, type SuiteContext } from "../context.js";
import { runPowerOperation } from "./operations.js";

async function expectState(ctx: SuiteContext, uuid: string, state: PowerState): Promise<void> {
  const info = await ctx.client.getInstanceInfo(uuid, ctx.call());
  expect(info.powerState, "getInstanceInfo power state").toBe(state);
  const listed = (await ctx.client.listInstances(ctx.call())).find((i) => i.uuid === uuid);
  expect(listed?.powerState, "listInstances power state").toBe(state);
}

export function lifecycleTests(ctx: SuiteContext): void {
  check("C-SPAWN-1", async () => {
    const request = ctx.request();
    request.metadata.role = "spawn-check";
    ctx.track(request.uuid);
    const returned = await ctx.client.spawn(request, ctx.call());
    const read = await ctx.client.getInstanceInfo(request.uuid, ctx.call());
    for (const info of [returned, read]) {
      expect(info.uuid).toBe(request.uuid);
      expect(info.powerState).toBe("running");
      expect(info.name).toBe(request.name);
      expect(info.vcpus).toBe(request.flavor.vcpus);
      expect(info.memoryMiB).toBe(request.flavor.memoryMiB);
      expect(info.metadata).toEqual(request.metadata);
    }
  });

  check("C-SPAWN-3", async () => {
    const request = ctx.request();
    ctx.track(request.uuid);
    const mark = ctx.events.length;
    await ctx.client.spawn(request, ctx.call());
    // Read in the turn spawn resolved in: nothing the driver does later counts.
    const emitted = ctx.eventsFor(request.uuid, mark).map((e) => e.type);
    const state = (await ctx.client.getInstanceInfo(request.uuid, ctx.call())).powerState;
    expect({ eventsWhenSpawnResolved: emitted, powerState: state }, "when spawn resolved").toEqual({
      eventsWhenSpawnResolved: ["started"],
      powerState: "running",
    });
  });

  check("C-SPAWN-2", async () => {
    const a = await ctx.spawn();
    const b = await ctx.spawn();
    await ctx.driveTo(b.uuid, "paused");
    const listed = await ctx.client.listInstances(ctx.call());
    for (const uuid of [a.uuid, b.uuid]) {
      const entry = listed.find((i) => i.uuid === uuid);
      expect(entry, `instance ${uuid} is listed`).toBeDefined();
      const info = await ctx.client.getInstanceInfo(uuid, ctx.call());
      expect(entry?.powerState).toBe(info.powerState);
    }
    expect(new Set(listed.map((i) => i.uuid)).size, "no UUID listed twice").toBe(listed.length);
  });

  for (const operation of Object.keys(POWER_TRANSITIONS) as PowerOperation[]) {
    for (const state of POWER_STATES) {
      check(transitionClauseId(operation, state), async () => {
        // suspend and resume need the suspend capability (1.1; every 1.0 driver
        // has it); driveTo says the same of the suspended state.
        if (
          (operation === "suspend" || operation === "resume") &&
          !ctx.capabilities.has("suspend")
        ) {
          throw new NotApplicable(
            'the driver does not have "suspend"; C-UNSUP-suspend checks it refuses',
          );
        }
        const { uuid } = await ctx.spawn();
        await ctx.driveTo(uuid, state);
        await expectState(ctx, uuid, state);
        const mark = ctx.events.length;
        const transition = POWER_TRANSITIONS[operation][state];
        if (transition.kind === "invalid") {
          await expect(runPowerOperation(ctx, operation, uuid)).rejects.toMatchObject({
            code: "NOVAKIT_INVALID_STATE",
            currentState: state,
          });
          await expectState(ctx, uuid, state);
          expect(await ctx.eventsAfter(uuid, mark, [])).toEqual([]);
          return;
        }
        await runPowerOperation(ctx, operation, uuid);
        const to = transition.kind === "move" ? transition.to : state;
        const expected = transition.kind === "move" && transition.event ? [transition.event] : [];
        await expectState(ctx, uuid, to);
        const events = await ctx.eventsAfter(uuid, mark, expected);
        expect(
          events.map((e) => e.type),
          "lifecycle events",
        ).toEqual(expected);
        for (const event of events) expect(event.powerState).toBe(to);
      });
    }
  }

  for (const state of ["running", "paused", "suspended", "stopped"] as const) {
    check(
      "C-DESTROY-1",
      async () => {
        const { uuid } = await ctx.spawn();
        await ctx.driveTo(uuid, state);
        const mark = ctx.events.length;
        await ctx.client.destroy(uuid, ctx.call());
        await expect(ctx.client.getInstanceInfo(uuid, ctx.call())).rejects.toMatchObject({
          code: "NOVAKIT_INSTANCE_NOT_FOUND",
        });
        const listed = await ctx.client.listInstances(ctx.call());
        expect(
          listed.some((i) => i.uuid === uuid),
          "destroyed instance is not listed",
        ).toBe(false);
        const event = destroyEvent(state);
        const events = await ctx.eventsAfter(uuid, mark, event ? [event] : []);
        expect(events.map((e) => e.type)).toEqual(event ? [event] : []);
      },
      `destroy from ${state} removes the instance`,
    );
  }
}
