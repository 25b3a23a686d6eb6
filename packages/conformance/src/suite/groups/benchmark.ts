import { expect } from "vitest";
import { check, record } from "../check.js";
import type { SuiteContext } from "../context.js";

/** Latency figures for one operation, in milliseconds, and its sequential throughput. */
export interface OperationFigures {
  readonly samples: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly meanMs: number;
  readonly opsPerSecond: number;
}

export function summarise(samplesMs: readonly number[]): OperationFigures {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
  const total = sorted.reduce((a, b) => a + b, 0);
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    samples: sorted.length,
    p50Ms: round(at(0.5)),
    p95Ms: round(at(0.95)),
    p99Ms: round(at(0.99)),
    meanMs: round(total / Math.max(1, sorted.length)),
    opsPerSecond: round(total > 0 ? (sorted.length * 1000) / total : 0),
  };
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

export function benchmarkTests(ctx: SuiteContext): void {
  check("C-BENCH-1", async (t) => {
    const bench = ctx.options.bench;
    if (bench === false) t.skip("benchmarks run only with --bench");
    const n = bench === false ? 0 : bench.iterations;
    const samples: Record<string, number[]> = {
      spawn: [],
      destroy: [],
      reboot: [],
      powerCycle: [],
    };
    for (let i = 0; i < n; i++) {
      const request = ctx.request();
      ctx.track(request.uuid);
      samples.spawn?.push(await timed(() => ctx.client.spawn(request, ctx.call())));
      samples.reboot?.push(
        await timed(() => ctx.client.reboot(request.uuid, { type: "soft" }, ctx.call())),
      );
      samples.powerCycle?.push(
        await timed(async () => {
          await ctx.client.powerOff(
            request.uuid,
            { graceMs: ctx.options.powerOffGraceMs },
            ctx.call(),
          );
          await ctx.client.powerOn(request.uuid, ctx.call());
        }),
      );
      samples.destroy?.push(await timed(() => ctx.client.destroy(request.uuid, ctx.call())));
    }
    const figures = Object.fromEntries(
      Object.entries(samples).map(([op, xs]) => [op, summarise(xs)]),
    );
    record(t, "bench", { iterations: n, operations: figures });
    expect(Object.values(figures).every((f) => f.samples === n)).toBe(true);
  });
}
