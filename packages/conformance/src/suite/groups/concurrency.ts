import { expect } from "vitest";
import { check } from "../check.js";
import type { SuiteContext } from "../context.js";

export function concurrencyTests(ctx: SuiteContext): void {
  check("C-CONC-1", async () => {
    const count = ctx.options.concurrency * 2;
    const requests = Array.from({ length: count }, (_, i) => {
      const request = ctx.request({ name: `nkc-${ctx.options.runId}-parallel-${i}` });
      request.metadata.index = String(i);
      request.flavor.vcpus = 1 + (i % 2);
      return request;
    });
    for (const r of requests) ctx.track(r.uuid);
    const results = await Promise.allSettled(requests.map((r) => ctx.client.spawn(r, ctx.call())));
    const failures = results.filter((r) => r.status === "rejected");
    expect(
      failures.map((f) => String((f as PromiseRejectedResult).reason)),
      "parallel spawns that failed",
    ).toEqual([]);
    for (const request of requests) {
      const info = await ctx.client.getInstanceInfo(request.uuid, ctx.call());
      expect(info.name).toBe(request.name);
      expect(info.metadata).toEqual(request.metadata);
      expect(info.vcpus).toBe(request.flavor.vcpus);
    }
  });

  check("C-CONC-2", async () => {
    const requests = await Promise.all(
      Array.from({ length: ctx.options.concurrency * 2 }, () => ctx.spawn()),
    );
    const uuids = requests.map((r) => r.uuid);
    const results = await Promise.allSettled(
      uuids.map((uuid) => ctx.client.destroy(uuid, ctx.call())),
    );
    expect(
      results.filter((r) => r.status === "rejected").length,
      "parallel destroys that failed",
    ).toBe(0);
    const listed = new Set((await ctx.client.listInstances(ctx.call())).map((i) => i.uuid));
    expect(
      uuids.filter((u) => listed.has(u)),
      "instances still listed",
    ).toEqual([]);
  });

  check("C-CONC-3", async () => {
    const a = ctx.request();
    const b = ctx.request({ uuid: a.uuid });
    ctx.track(a.uuid);
    const results = await Promise.allSettled([
      ctx.client.spawn(a, ctx.call()),
      ctx.client.spawn(b, ctx.call()),
    ]);
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(won.length, "spawns that succeeded").toBe(1);
    expect(lost.map((l) => (l.reason as { code?: string }).code)).toEqual([
      "NOVAKIT_INSTANCE_EXISTS",
    ]);
    const info = await ctx.client.getInstanceInfo(a.uuid, ctx.call());
    const winner = results[0]?.status === "fulfilled" ? a : b;
    expect(info.name).toBe(winner.name);
  });

  check("C-CONC-5", async () => {
    const rounds = Math.max(2, ctx.options.concurrency);
    const instances = await Promise.all(Array.from({ length: rounds }, () => ctx.spawn()));
    const failures: string[] = [];
    await Promise.all(
      instances.map(async ({ uuid }) => {
        const results = await Promise.allSettled([
          ctx.client.destroy(uuid, ctx.call()),
          ctx.client.destroy(uuid, ctx.call()),
        ]);
        for (const r of results) {
          if (r.status === "rejected") failures.push(`${uuid}: ${String(r.reason)}`);
        }
      }),
    );
    expect(failures, "destroys that rejected while another destroy of the instance ran").toEqual(
      [],
    );
    const listed = new Set((await ctx.client.listInstances(ctx.call())).map((i) => i.uuid));
    expect(
      instances.map((i) => i.uuid).filter((u) => listed.has(u)),
      "instances still listed after both destroys resolved",
    ).toEqual([]);
  });
}
