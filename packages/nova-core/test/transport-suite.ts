import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { NovaErrorCode } from "../src/errors.js";
import type { Transport } from "../src/rpc/transport.js";

/**
 * What every transport must do, written against the interface alone so
 * that each implementation (the in-process bus, NATS) runs the same suite.
 * Subjects are unique per test, so a shared server never mixes tests.
 */
export function transportSuite(name: string, make: () => Promise<Transport>): void {
  describe(`transport: ${name}`, () => {
    let t: Transport;
    let n = 0;
    const subject = () => `suite.${process.pid}.${Date.now()}.${++n}`;
    beforeEach(async () => {
      t = await make();
    });
    afterEach(async () => {
      await t.close();
    });

    it("answers a request with the listener's reply, bytes unchanged", async () => {
      const s = subject();
      await t.serve(s, async (p) => `echo:${p}`);
      const payload = JSON.stringify({ text: "héllo \u{1F600} \u0000 end" });
      expect(await t.request(s, payload, { timeoutMs: 2000 })).toBe(`echo:${payload}`);
    });

    it("gives each message of a queue group to exactly one member, and uses every member", async () => {
      const s = subject();
      const got = [0, 0];
      await t.serve(
        s,
        async () => {
          got[0] = (got[0] ?? 0) + 1;
          return "a";
        },
        { queue: "q" },
      );
      await t.serve(
        s,
        async () => {
          got[1] = (got[1] ?? 0) + 1;
          return "b";
        },
        { queue: "q" },
      );
      const replies = await Promise.all(
        Array.from({ length: 40 }, () => t.request(s, "x", { timeoutMs: 2000 })),
      );
      expect(replies).toHaveLength(40);
      expect((got[0] ?? 0) + (got[1] ?? 0)).toBe(40);
      expect(got[0]).toBeGreaterThan(0);
      expect(got[1]).toBeGreaterThan(0);
    });

    it("delivers a publish to every plain listener and to one member of each queue", async () => {
      const s = subject();
      const seen: string[] = [];
      let resolve: () => void = () => {};
      const all = new Promise<void>((r) => {
        resolve = r;
      });
      const note = (who: string) => async () => {
        seen.push(who);
        if (seen.length === 3) resolve();
        return "";
      };
      await t.serve(s, note("plain-1"));
      await t.serve(s, note("plain-2"));
      await t.serve(s, note("queue"), { queue: "q" });
      await t.serve(s, note("queue"), { queue: "q" });
      // A request after the publish, on another subject, orders the check after delivery.
      await t.publish(s, "hello");
      await all;
      expect(seen.sort()).toEqual(["plain-1", "plain-2", "queue"]);
    });

    it("rejects a request nobody listens to with RpcNoServer", async () => {
      await expect(t.request(subject(), "x", { timeoutMs: 2000 })).rejects.toMatchObject({
        code: NovaErrorCode.RpcNoServer,
      });
    });

    it("rejects a request whose listener never answers with RpcTimeout", async () => {
      const s = subject();
      await t.serve(s, () => new Promise<string>(() => {}));
      await expect(t.request(s, "x", { timeoutMs: 50 })).rejects.toMatchObject({
        code: NovaErrorCode.RpcTimeout,
      });
    });

    it("stops delivering to a listener once it unsubscribed", async () => {
      const s = subject();
      const sub = await t.serve(s, async () => "first");
      expect(await t.request(s, "x", { timeoutMs: 2000 })).toBe("first");
      await sub.unsubscribe();
      await expect(t.request(s, "x", { timeoutMs: 2000 })).rejects.toMatchObject({
        code: NovaErrorCode.RpcNoServer,
      });
    });

    it("publishing to a subject nobody listens to is fine", async () => {
      await expect(t.publish(subject(), "into the void")).resolves.toBeUndefined();
    });
  });
}
