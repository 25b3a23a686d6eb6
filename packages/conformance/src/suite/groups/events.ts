import { type LifecycleEventType, POWER_STATE_AFTER_EVENT } from "@novakit/driver-api";
import { expect } from "vitest";
import { check } from "../check.js";
import { type SuiteContext, sleep } from "../context.js";

export function eventTests(ctx: SuiteContext): void {
  check("C-EVENT-1", async () => {
    const mark = ctx.events.length;
    const request = ctx.request();
    ctx.track(request.uuid);
    const { uuid } = request;
    const c = () => ctx.call();
    const steps: [string, () => Promise<unknown>, LifecycleEventType[]][] = [
      ["spawn", () => ctx.client.spawn(request, c()), ["started"]],
      ["pause", () => ctx.client.pause(uuid, c()), ["paused"]],
      ["unpause", () => ctx.client.unpause(uuid, c()), ["resumed"]],
      ...(ctx.capabilities.has("suspend")
        ? ([
            ["suspend", () => ctx.client.suspend(uuid, c()), ["suspended"]],
            ["resume", () => ctx.client.resume(uuid, c()), ["resumed"]],
          ] as [string, () => Promise<unknown>, LifecycleEventType[]][])
        : []),
      [
        "powerOff",
        () => ctx.client.powerOff(uuid, { graceMs: ctx.options.powerOffGraceMs }, c()),
        ["stopped"],
      ],
      ["powerOn", () => ctx.client.powerOn(uuid, c()), ["started"]],
      ["reboot (hard)", () => ctx.client.reboot(uuid, { type: "hard" }, c()), []],
      ["destroy", () => ctx.client.destroy(uuid, c()), ["stopped"]],
    ];
    // The steps run back to back, without waiting for events in between, so
    // events that arrive late but out of order are caught too.
    for (const [name, run] of steps) {
      await run().catch((err: unknown) => {
        throw new Error(`${name} failed: ${(err as Error).message}`);
      });
    }
    const expected = steps.flatMap(([, , emits]) => emits);
    const seen = await ctx.eventsAfter(uuid, mark, expected);
    expect(
      seen.map((e) => e.type),
      "events of spawn, pause, unpause, suspend, resume, powerOff, powerOn, reboot, destroy",
    ).toEqual(expected);
  });

  check("C-EVENT-2", async () => {
    expect(ctx.invalidEvents, "events that failed the contract's schema").toEqual([]);
    for (const event of ctx.events) {
      expect(event.powerState, `powerState of a "${event.type}" event`).toBe(
        POWER_STATE_AFTER_EVENT[event.type],
      );
      expect(Number.isNaN(Date.parse(event.occurredAt)), "occurredAt is a date").toBe(false);
    }
    expect(ctx.events.length, "the suite saw events at all").toBeGreaterThan(0);
  });

  check("C-EVENT-6", async () => {
    const { uuid } = await ctx.spawn();
    const probes = ctx.eventProbes.length;
    ctx.probeEvents = true;
    try {
      await ctx.client.pause(uuid, ctx.call());
      await ctx.client.unpause(uuid, ctx.call());
      await ctx.client.powerOff(uuid, { graceMs: ctx.options.powerOffGraceMs }, ctx.call());
      await ctx.client.powerOn(uuid, ctx.call());
      // The reads take as long as a getInstanceInfo takes: wait for the four,
      // or the event bound.
      const mine = () => ctx.eventProbes.slice(probes).filter((p) => p.event.instanceUuid === uuid);
      const deadline = Date.now() + ctx.options.eventTimeoutMs;
      while (mine().length < 4 && Date.now() < deadline) await sleep(20);
      await sleep(ctx.options.eventSettleMs);
    } finally {
      ctx.probeEvents = false;
    }
    const seen = ctx.eventProbes
      .slice(probes)
      .filter((p) => p.event.instanceUuid === uuid)
      .map(
        (p) =>
          `${p.event.type} (announces ${p.event.powerState}): getInstanceInfo said ${p.observed}`,
      );
    const expected = [
      ["paused", "paused"],
      ["resumed", "running"],
      ["stopped", "stopped"],
      ["started", "running"],
    ].map(([type, state]) => `${type} (announces ${state}): getInstanceInfo said ${state}`);
    expect(seen, "each event, and the state read back the moment it arrived").toEqual(expected);
  });
}
