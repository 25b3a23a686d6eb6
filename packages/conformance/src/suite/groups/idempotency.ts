import { randomUUID } from "node:crypto";
import { expect } from "vitest";
import { check } from "../check.js";
import type { SuiteContext } from "../context.js";

export function idempotencyTests(ctx: SuiteContext): void {
  check("C-IDEMP-1", async () => {
    const { uuid } = await ctx.spawn();
    await ctx.client.destroy(uuid, ctx.call());
    await ctx.client.destroy(uuid, ctx.call());
    expect(await ctx.exists(uuid)).toBe(false);
  });

  check("C-IDEMP-2", async () => {
    await ctx.client.destroy(randomUUID(), ctx.call());
  });

  check("C-IDEMP-3", async () => {
    const first = await ctx.spawn();
    await ctx.driveTo(first.uuid, "paused");
    const before = await ctx.client.getInstanceInfo(first.uuid, ctx.call());
    const second = ctx.request({ uuid: first.uuid, name: `${first.name}-again` });
    await expect(ctx.client.spawn(second, ctx.call())).rejects.toMatchObject({
      code: "NOVAKIT_INSTANCE_EXISTS",
    });
    const after = await ctx.client.getInstanceInfo(first.uuid, ctx.call());
    expect({ ...after, uptimeSeconds: 0 }).toEqual({ ...before, uptimeSeconds: 0 });
  });

  check("C-IDEMP-4", async () => {
    const first = await ctx.spawn();
    await ctx.client.destroy(first.uuid, ctx.call());
    const again = await ctx.spawn({ uuid: first.uuid });
    const info = await ctx.client.getInstanceInfo(again.uuid, ctx.call());
    expect(info.name).toBe(again.name);
    expect(info.powerState).toBe("running");
  });
}
