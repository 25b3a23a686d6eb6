import { CAPABILITIES, CAPABILITY_NAMES, type Capability } from "@novakit/driver-api";
import { expect, type TestContext } from "vitest";
import { check, requireCapability } from "../check.js";
import { NotApplicable, type SuiteContext } from "../context.js";

type CapabilityCheck = (ctx: SuiteContext, t: TestContext) => Promise<void>;

const blockDevice: CapabilityCheck = async (ctx) => {
  const { uuid } = await ctx.spawn();
  const spec = { id: `nkc-vol-${ctx.options.runId}`, source: ctx.options.volumeSource };
  const attached = await ctx.client.attachBlockDevice(uuid, spec, ctx.call());
  expect(attached.id).toBe(spec.id);
  const again = await ctx.client.attachBlockDevice(uuid, spec, ctx.call());
  expect(again.deviceName, "attaching the same id again gives the same device").toBe(
    attached.deviceName,
  );
  let info = await ctx.client.getInstanceInfo(uuid, ctx.call());
  expect(info.blockDevices.filter((d) => d.id === spec.id)).toHaveLength(1);
  await ctx.client.detachBlockDevice(uuid, spec.id, ctx.call());
  info = await ctx.client.getInstanceInfo(uuid, ctx.call());
  expect(info.blockDevices.some((d) => d.id === spec.id)).toBe(false);
  await ctx.client.detachBlockDevice(uuid, spec.id, ctx.call());
};

const networkInterface: CapabilityCheck = async (ctx) => {
  const { uuid } = await ctx.spawn();
  const spec = { id: `nkc-port-${ctx.options.runId}`, network: ctx.options.network };
  const attached = await ctx.client.attachInterface(uuid, spec, ctx.call());
  expect(attached.macAddress).toMatch(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
  const again = await ctx.client.attachInterface(uuid, spec, ctx.call());
  expect(again.macAddress, "attaching the same id again gives the same interface").toBe(
    attached.macAddress,
  );
  let info = await ctx.client.getInstanceInfo(uuid, ctx.call());
  expect(info.interfaces.filter((i) => i.id === spec.id)).toHaveLength(1);
  await ctx.client.detachInterface(uuid, spec.id, ctx.call());
  info = await ctx.client.getInstanceInfo(uuid, ctx.call());
  expect(info.interfaces.some((i) => i.id === spec.id)).toBe(false);
  await ctx.client.detachInterface(uuid, spec.id, ctx.call());
};

const snapshot: CapabilityCheck = async (ctx) => {
  const { uuid } = await ctx.spawn();
  const taken = await ctx.client.createSnapshot(uuid, { name: "nkc-snap <&> 1" }, ctx.call());
  expect(taken.name).toBe("nkc-snap <&> 1");
  expect(taken.powerState).toBe("running");
  expect((await ctx.client.listSnapshots(uuid, ctx.call())).map((s) => s.id)).toContain(taken.id);
  await ctx.driveTo(uuid, "stopped");
  await ctx.client.revertToSnapshot(uuid, taken.id, ctx.call());
  const info = await ctx.client.getInstanceInfo(uuid, ctx.call());
  expect(info.powerState, "revert restores the snapshot's power state").toBe("running");
  await ctx.client.deleteSnapshot(uuid, taken.id, ctx.call());
  expect((await ctx.client.listSnapshots(uuid, ctx.call())).map((s) => s.id)).not.toContain(
    taken.id,
  );
  await ctx.client.deleteSnapshot(uuid, taken.id, ctx.call());
};

const consoleOutput: CapabilityCheck = async (ctx) => {
  const { uuid } = await ctx.spawn();
  const full = await ctx.client.getConsoleOutput(uuid, {}, ctx.call());
  expect(typeof full.data).toBe("string");
  const maxBytes = 16;
  const tail = await ctx.client.getConsoleOutput(uuid, { maxBytes }, ctx.call());
  // A cut through a multi-byte character decodes to one U+FFFD (3 bytes).
  expect(Buffer.byteLength(tail.data, "utf8")).toBeLessThanOrEqual(maxBytes + 2);
  if (Buffer.byteLength(full.data, "utf8") > maxBytes) expect(tail.truncated).toBe(true);
};

const resize: CapabilityCheck = async (ctx) => {
  const { uuid, flavor } = await ctx.spawn();
  await expect(
    ctx.client.resize(
      uuid,
      { vcpus: flavor.vcpus + 1, memoryMiB: flavor.memoryMiB * 2 },
      ctx.call(),
    ),
    "resize while running",
  ).rejects.toMatchObject({ code: "NOVAKIT_INVALID_STATE" });
  await ctx.driveTo(uuid, "stopped");
  await ctx.client.resize(
    uuid,
    { vcpus: flavor.vcpus + 1, memoryMiB: flavor.memoryMiB * 2 },
    ctx.call(),
  );
  const info = await ctx.client.getInstanceInfo(uuid, ctx.call());
  expect(info.vcpus).toBe(flavor.vcpus + 1);
  expect(info.memoryMiB).toBe(flavor.memoryMiB * 2);
};

const liveMigration: CapabilityCheck = async () => {
  throw new NotApplicable(
    "live migration needs a second host; this version of the suite does not exercise it",
  );
};

const suspend: CapabilityCheck = async (ctx) => {
  const { uuid } = await ctx.spawn();
  await ctx.client.suspend(uuid, ctx.call());
  expect((await ctx.client.getInstanceInfo(uuid, ctx.call())).powerState, "after suspend").toBe(
    "suspended",
  );
  await ctx.client.resume(uuid, ctx.call());
  expect((await ctx.client.getInstanceInfo(uuid, ctx.call())).powerState, "after resume").toBe(
    "running",
  );
};

const CHECKS: Record<Capability, CapabilityCheck> = {
  "block-device": blockDevice,
  "network-interface": networkInterface,
  snapshot,
  "console-output": consoleOutput,
  resize,
  "live-migration": liveMigration,
  suspend,
};

/** Calls an optional method of the driver itself, bypassing the client's own gate. */
function callRaw(ctx: SuiteContext, method: string, uuid: string): Promise<unknown> {
  const fn = (ctx.driver as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)[
    method
  ];
  const c = {
    signal: AbortSignal.timeout(ctx.options.callTimeoutMs),
    requestId: ctx.call().requestId,
  };
  const args: Record<string, unknown[]> = {
    attachBlockDevice: [uuid, { id: "nkc-unsupported", source: ctx.options.volumeSource }, c],
    attachInterface: [uuid, { id: "nkc-unsupported", network: ctx.options.network }, c],
    createSnapshot: [uuid, { name: "nkc-unsupported" }, c],
    getConsoleOutput: [uuid, {}, c],
    resize: [uuid, { vcpus: 1, memoryMiB: 128 }, c],
    migrateLive: [uuid, { destination: "nowhere://" }, c],
  };
  return Promise.resolve().then(() =>
    fn?.call(ctx.driver, ...(args[method] ?? [uuid, "nkc-unsupported", c])),
  );
}

export function capabilityTests(ctx: SuiteContext): void {
  for (const capability of CAPABILITY_NAMES) {
    check(`C-CAP-${capability}`, async (t) => {
      requireCapability(ctx, t, capability);
      await CHECKS[capability](ctx, t);
    });

    check(`C-UNSUP-${capability}`, async (t) => {
      if (ctx.capabilities.has(capability))
        t.skip(`the driver declares "${capability}"; C-CAP-${capability} checks it`);
      const { uuid } = await ctx.spawn();
      for (const method of CAPABILITIES[capability].methods) {
        if (typeof (ctx.driver as unknown as Record<string, unknown>)[method] !== "function")
          continue;
        await expect(
          callRaw(ctx, method, uuid),
          `${method} without the capability`,
        ).rejects.toMatchObject({
          code: "NOVAKIT_UNSUPPORTED",
        });
      }
    });
  }
}
