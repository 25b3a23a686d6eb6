import { expect } from "vitest";
import { check } from "../check.js";
import type { SuiteContext } from "../context.js";

export function cleanupTests(ctx: SuiteContext): void {
  check("C-CLEAN-1", async () => {
    const leftovers = await ctx.sweep();
    expect(ctx.leaks, "instances still there after the suite destroyed them").toEqual([]);
    expect(leftovers, "instances of this run nobody destroyed").toEqual([]);
  });
}
