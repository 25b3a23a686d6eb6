import type { Capability, DriverClient, PowerOperation } from "@novakit/driver-api";
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

/**
 * Every per-instance operation that must reject an unknown UUID, with a way
 * to call it and the capability it needs, if any.
 */
export const PER_INSTANCE_OPERATIONS: readonly [
  string,
  (ctx: SuiteContext, uuid: string) => Promise<unknown>,
  Capability?,
][] = [
  ["getInstanceInfo", (ctx, uuid) => ctx.client.getInstanceInfo(uuid, ctx.call())],
  ["reboot (soft)", (ctx, uuid) => runPowerOperation(ctx, "rebootSoft", uuid)],
  ["reboot (hard)", (ctx, uuid) => runPowerOperation(ctx, "rebootHard", uuid)],
  ["powerOff", (ctx, uuid) => runPowerOperation(ctx, "powerOff", uuid)],
  ["powerOn", (ctx, uuid) => runPowerOperation(ctx, "powerOn", uuid)],
  ["pause", (ctx, uuid) => runPowerOperation(ctx, "pause", uuid)],
  ["unpause", (ctx, uuid) => runPowerOperation(ctx, "unpause", uuid)],
  ["suspend", (ctx, uuid) => runPowerOperation(ctx, "suspend", uuid), "suspend"],
  ["resume", (ctx, uuid) => runPowerOperation(ctx, "resume", uuid), "suspend"],
  [
    "attachBlockDevice",
    (ctx, uuid) =>
      ctx.client.attachBlockDevice(
        uuid,
        { id: "nkc-vol", source: ctx.options.volumeSource },
        ctx.call(),
      ),
    "block-device",
  ],
  [
    "detachBlockDevice",
    (ctx, uuid) => ctx.client.detachBlockDevice(uuid, "nkc-vol", ctx.call()),
    "block-device",
  ],
  [
    "attachInterface",
    (ctx, uuid) =>
      ctx.client.attachInterface(
        uuid,
        { id: "nkc-port", network: ctx.options.network },
        ctx.call(),
      ),
    "network-interface",
  ],
  [
    "detachInterface",
    (ctx, uuid) => ctx.client.detachInterface(uuid, "nkc-port", ctx.call()),
    "network-interface",
  ],
  [
    "createSnapshot",
    (ctx, uuid) => ctx.client.createSnapshot(uuid, { name: "nkc" }, ctx.call()),
    "snapshot",
  ],
  ["listSnapshots", (ctx, uuid) => ctx.client.listSnapshots(uuid, ctx.call()), "snapshot"],
  [
    "revertToSnapshot",
    (ctx, uuid) => ctx.client.revertToSnapshot(uuid, "nkc-snap", ctx.call()),
    "snapshot",
  ],
  [
    "deleteSnapshot",
    (ctx, uuid) => ctx.client.deleteSnapshot(uuid, "nkc-snap", ctx.call()),
    "snapshot",
  ],
  [
    "getConsoleOutput",
    (ctx, uuid) => ctx.client.getConsoleOutput(uuid, {}, ctx.call()),
    "console-output",
  ],
  [
    "resize",
    (ctx, uuid) => ctx.client.resize(uuid, { vcpus: 1, memoryMiB: 128 }, ctx.call()),
    "resize",
  ],
];
