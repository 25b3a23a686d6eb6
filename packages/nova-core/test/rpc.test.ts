import { describe, expect, it } from "vitest";
import { InstanceConflict, NovaErrorCode, RpcVersionUnsupported } from "../src/errors.js";
import { RpcClient } from "../src/rpc/client.js";
import { InProcessBus } from "../src/rpc/in-process-bus.js";
import { VersionPins } from "../src/rpc/pins.js";
import { RpcServer } from "../src/rpc/server.js";
import { compareVersions, isCompatible } from "../src/rpc/version.js";

const ctx = { requestId: "req-1", projectId: "p", userId: "u" };

async function computeServer(version: string) {
  const bus = new InProcessBus();
  const server = new RpcServer(bus, {
    topic: "compute",
    server: "h1",
    version,
    methods: {
      ping: { since: "1.0", handle: async (_c, a, v) => ({ pong: a.n, version: v }) },
      newer: { since: "1.1", handle: async () => "newer" },
      conflict: {
        since: "1.0",
        handle: async () => {
          throw new InstanceConflict("u-1", "stop", "stopped", null);
        },
      },
    },
  });
  await server.start();
  return { bus, server };
}

describe("versioned RPC", () => {
  it("compares X.Y versions and the compatibility rule", () => {
    expect(compareVersions("1.10", "1.9")).toBeGreaterThan(0);
    expect(isCompatible("1.0", "1.1")).toBe(true);
    expect(isCompatible("1.2", "1.1")).toBe(false);
    expect(isCompatible("2.0", "1.9")).toBe(false);
    expect(() => compareVersions("1", "1.0")).toThrow();
  });

  it("a server accepts any minor up to its own and refuses a newer one naming both versions", async () => {
    const { bus } = await computeServer("1.1");
    const client = new RpcClient(bus, {
      topic: "compute",
      version: "1.2" as never,
      pins: new VersionPins(),
    });
    // The client's own cap is compute's current (1.1) here; build a message by hand at 1.2.
    expect(
      await client.call(ctx, "ping", { n: 1 }, { version: "1.0", target: { server: "h1" } }),
    ).toEqual({ pong: 1, version: "1.0" });
    const raw = JSON.parse(
      await bus.request(
        "nova.compute.server.h1",
        JSON.stringify({ method: "ping", version: "1.2", context: ctx, args: {} }),
        { timeoutMs: 1000 },
      ),
    );
    expect(raw.ok).toBe(false);
    expect(raw.error.code).toBe(NovaErrorCode.RpcVersion);
    expect(raw.error.fields).toMatchObject({ requested: "1.2", supported: "1.1", method: "ping" });
    const major = JSON.parse(
      await bus.request(
        "nova.compute.server.h1",
        JSON.stringify({ method: "ping", version: "2.0", context: ctx, args: {} }),
        { timeoutMs: 1000 },
      ),
    );
    expect(major.error.code).toBe(NovaErrorCode.RpcVersion);
  });

  it("refuses a method at a version older than the one that added it, and one the server is too old for", async () => {
    const { bus: newBus } = await computeServer("1.1");
    const c = new RpcClient(newBus, { topic: "compute", version: "1.1", pins: new VersionPins() });
    await expect(
      c.call(ctx, "newer", {}, { version: "1.0", target: { server: "h1" } }),
    ).rejects.toBeInstanceOf(RpcVersionUnsupported);
    expect(await c.call(ctx, "newer", {}, { version: "1.1", target: { server: "h1" } })).toBe(
      "newer",
    );
    const { bus: oldBus } = await computeServer("1.0");
    const o = new RpcClient(oldBus, { topic: "compute", version: "1.0", pins: new VersionPins() });
    await expect(
      o.call(ctx, "newer", {}, { version: "1.0", target: { server: "h1" } }),
    ).rejects.toMatchObject({ code: NovaErrorCode.RpcUnknownMethod });
  });

  it("a client caps what it sends at the pin, and the pin lifts when the last old service is gone", async () => {
    const { bus } = await computeServer("1.1");
    const pins = new VersionPins();
    const client = new RpcClient(bus, { topic: "compute", version: "1.1", pins });
    const objects = { Instance: "1.1" };
    pins.update([
      { topic: "compute", rpcVersion: "1.1", objectVersions: objects },
      { topic: "compute", rpcVersion: "1.0", objectVersions: { Instance: "1.0" } },
    ]);
    expect(client.cap).toBe("1.0");
    expect(pins.objectVersion("Instance")).toBe("1.0");
    expect(client.canSend("1.1")).toBe(false);
    await expect(
      client.call(ctx, "newer", {}, { version: "1.1", target: { server: "h1" } }),
    ).rejects.toBeInstanceOf(RpcVersionUnsupported);
    pins.update([{ topic: "compute", rpcVersion: "1.1", objectVersions: objects }]);
    expect(client.cap).toBe("1.1");
    expect(pins.objectVersion("Instance")).toBe("1.1");
    expect(await client.call(ctx, "newer", {}, { version: "1.1", target: { server: "h1" } })).toBe(
      "newer",
    );
  });

  it("carries typed errors across the wire: the class follows the code, the fields are kept", async () => {
    const { bus } = await computeServer("1.1");
    const client = new RpcClient(bus, {
      topic: "compute",
      version: "1.1",
      pins: new VersionPins(),
    });
    const err = await client
      .call(ctx, "conflict", {}, { version: "1.0", target: { server: "h1" } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InstanceConflict);
    expect(err).toMatchObject({ uuid: "u-1", action: "stop", vmState: "stopped", taskState: null });
  });

  it("shares topic-wide calls between servers of the topic and reaches one by name", async () => {
    const bus = new InProcessBus();
    const seen: string[] = [];
    for (const name of ["s1", "s2"]) {
      await new RpcServer(bus, {
        topic: "scheduler",
        server: name,
        version: "1.0",
        methods: {
          who: {
            since: "1.0",
            handle: async () => {
              seen.push(name);
              return name;
            },
          },
        },
      }).start();
    }
    const c = new RpcClient(bus, { topic: "scheduler", version: "1.0", pins: new VersionPins() });
    await Promise.all(Array.from({ length: 10 }, () => c.call(ctx, "who", {}, { version: "1.0" })));
    expect(new Set(seen)).toEqual(new Set(["s1", "s2"]));
    expect(await c.call(ctx, "who", {}, { version: "1.0", target: { server: "s2" } })).toBe("s2");
  });

  it("answers an error, not silence, when a reply would pass the transport's message limit", async () => {
    class SmallBus extends InProcessBus {
      readonly maxPayloadBytes = 200;
    }
    const bus = new SmallBus();
    await new RpcServer(bus, {
      topic: "conductor",
      server: "c1",
      version: "1.0",
      methods: { big: { since: "1.0", handle: async () => "x".repeat(500) } },
    }).start();
    const c = new RpcClient(bus, { topic: "conductor", version: "1.0", pins: new VersionPins() });
    await expect(c.call(ctx, "big", {}, { version: "1.0" })).rejects.toMatchObject({
      code: NovaErrorCode.Internal,
      message: expect.stringMatching(/over the transport's 200; ask for less/),
    });
  });
});
