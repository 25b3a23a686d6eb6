import { expect } from "vitest";
import { check, record } from "../check.js";
import type { SuiteContext } from "../context.js";

export function cleanupTests(ctx: SuiteContext): void {
  check("C-CLEAN-1", async (t) => {
    const leftovers = await ctx.sweep();
    record(t, "stats", { ...ctx.stats, suiteMs: performance.now() - ctx.startedAt });
    expect(
      ctx.leaks.map((l) => `${l.uuid}, made by "${l.test}": ${l.why}`),
      "instances still there after the suite destroyed them",
    ).toEqual([]);
    expect(leftovers, "instances of this run nobody destroyed").toEqual([]);
  });
}
