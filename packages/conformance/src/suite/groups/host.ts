import type { HostResources } from "@novakit/driver-api";
import { expect } from "vitest";
import { check, record } from "../check.js";
import type { SuiteContext } from "../context.js";

function expectSane(r: HostResources): void {
  expect(r.vcpus.total).toBeGreaterThan(0);
  expect(r.memoryMiB.total).toBeGreaterThan(0);
  for (const usage of [r.vcpus, r.memoryMiB, r.localDiskGiB]) {
    expect(usage.used).toBeGreaterThanOrEqual(0);
    expect(usage.used).toBeLessThanOrEqual(usage.total);
  }
}

export function hostTests(ctx: SuiteContext): void {
  check("C-HOST-1", async (t) => {
    const r = await ctx.client.getHostResources(ctx.call());
    expectSane(r);
    record(t, "host", {
      hypervisorType: r.hypervisorType,
      hypervisorVersion: r.hypervisorVersion,
      hostname: r.hostname,
      cpuModel: r.cpuModel,
      vcpus: r.vcpus.total,
      memoryMiB: r.memoryMiB.total,
      localDiskGiB: r.localDiskGiB.total,
    });
  });

  check("C-HOST-2", async () => {
    const a = await ctx.client.getHostResources(ctx.call());
    const b = await ctx.client.getHostResources(ctx.call());
    const identity = (r: HostResources) => ({
      hypervisorType: r.hypervisorType,
      hypervisorVersion: r.hypervisorVersion,
      hostname: r.hostname,
      cpuModel: r.cpuModel,
      totals: [r.vcpus.total, r.memoryMiB.total, r.localDiskGiB.total],
    });
    expect(identity(b)).toEqual(identity(a));
  });

  check("C-HOST-3", async () => {
    const { vcpus, memoryMiB } = ctx.options.flavor;
    const before = await ctx.client.getHostResources(ctx.call());
    const request = await ctx.spawn();
    const during = await ctx.client.getHostResources(ctx.call());
    expectSane(during);
    // By exactly the flavor's amounts, in the contract's units (vCPUs,
    // MiB): a driver reporting KiB, or counting something else, is caught.
    expect(
      { vcpus: during.vcpus.used, memoryMiB: during.memoryMiB.used },
      `used resources with one ${vcpus}-vCPU, ${memoryMiB} MiB instance more (before: ${before.vcpus.used} vCPUs, ${before.memoryMiB.used} MiB)`,
    ).toEqual({
      vcpus: Math.min(before.vcpus.used + vcpus, during.vcpus.total),
      memoryMiB: Math.min(before.memoryMiB.used + memoryMiB, during.memoryMiB.total),
    });
    await ctx.client.destroy(request.uuid, ctx.call());
    const after = await ctx.client.getHostResources(ctx.call());
    expect(
      { vcpus: after.vcpus.used, memoryMiB: after.memoryMiB.used },
      "used resources once the instance is destroyed",
    ).toEqual({ vcpus: before.vcpus.used, memoryMiB: before.memoryMiB.used });
  });
}
