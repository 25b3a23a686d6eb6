import type { DriverClient, PowerOperation } from "@novakit/driver-api";
import type { SuiteContext } from "../context.js";

/** Runs one power operation through the client, as the table names it. */
export function runPowerOperation(
  ctx: SuiteContext,
  operation: PowerOperation,
  uuid: string,
): Promise<void> {
  const c = ctx.call();
  const client: DriverClient = ctx.client;
  switch (operation) {
    case "powerOff":
      return client.powerOff(uuid, { graceMs: ctx.options.powerOffGraceMs }, c);
    case "powerOn":
      return client.powerOn(uuid, c);
    case "rebootSoft":
      return client.reboot(uuid, { type: "soft" }, c);
    case "rebootHard":
      return client.reboot(uuid, { type: "hard" }, c);
    case "pause":
      return client.pause(uuid, c);
    case "unpause":
      return client.unpause(uuid, c);
    case "suspend":
      return client.suspend(uuid, c);
    case "resume":
      return client.resume(uuid, c);
  }
}

/** Every per-instance operation that must reject an unknown UUID, with a way to call it. */
export const PER_INSTANCE_OPERATIONS: readonly [
  string,
  (ctx: SuiteContext, uuid: string) => Promise<unknown>,
][] = [
  ["getInstanceInfo", (ctx, uuid) => ctx.client.getInstanceInfo(uuid, ctx.call())],
  ["reboot (soft)", (ctx, uuid) => runPowerOperation(ctx, "rebootSoft", uuid)],
  ["reboot (hard)", (ctx, uuid) => runPowerOperation(ctx, "rebootHard", uuid)],
  ["powerOff", (ctx, uuid) => runPowerOperation(ctx, "powerOff", uuid)],
  ["powerOn", (ctx, uuid) => runPowerOperation(ctx, "powerOn", uuid)],
  ["pause", (ctx, uuid) => runPowerOperation(ctx, "pause", uuid)],
  ["unpause", (ctx, uuid) => runPowerOperation(ctx, "unpause", uuid)],
  ["suspend", (ctx, uuid) => runPowerOperation(ctx, "suspend", uuid)],
  ["resume", (ctx, uuid) => runPowerOperation(ctx, "resume", uuid)],
];
