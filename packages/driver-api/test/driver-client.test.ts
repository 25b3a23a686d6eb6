import { describe, expect, it, vi } from "vitest";
import {
  type CallOptions,
  type ComputeDriver,
  DriverClient,
  type InstanceInfo,
  InstanceNotFound,
} from "../src/index.js";

const UUID = "7a0c3f0e-4d8b-4c1a-9e2f-3b4c5d6e7f80";
const info: InstanceInfo = {
  uuid: UUID,
  name: "x",
  powerState: "running",
  vcpus: 1,
  memoryMiB: 64,
  uptimeSeconds: 1,
  metadata: {},
  blockDevices: [],
  interfaces: [],
};

/** A driver whose every required method resolves, with overrides. */
function driver(
  overrides: Partial<ComputeDriver> = {},
  capabilities: string[] = [],
): ComputeDriver {
  const ok = async () => {};
  return {
    init: async () => ({ hypervisorType: "test", hypervisorVersion: "1", capabilities }),
    close: ok,
    getHostResources: async () => ({
      hypervisorType: "test",
      hypervisorVersion: "1",
      hostname: "h",
      cpuModel: "c",
      vcpus: { total: 1, used: 0 },
      memoryMiB: { total: 1, used: 0 },
      localDiskGiB: { total: 1, used: 0 },
    }),
    listInstances: async () => [],
    getInstanceInfo: async () => info,
    spawn: async () => info,
    destroy: ok,
    reboot: ok,
    powerOff: ok,
    powerOn: ok,
    pause: ok,
    unpause: ok,
    suspend: ok,
    resume: ok,
    ...overrides,
  };
}

async function client(d: ComputeDriver, options = {}) {
  const c = new DriverClient(d, options);
  await c.init();
  return c;
}

describe("DriverClient", () => {
  it("answers Unsupported for an undeclared capability without calling the driver", async () => {
    const createSnapshot = vi.fn(async () => ({
      id: "s",
      name: "s",
      createdAt: new Date().toISOString(),
      powerState: "running" as const,
    }));
    const c = await client(driver({ createSnapshot }));
    await expect(c.createSnapshot(UUID, { name: "s" })).rejects.toMatchObject({
      code: "NOVAKIT_UNSUPPORTED",
      capability: "snapshot",
    });
    expect(createSnapshot).not.toHaveBeenCalled();
  });

  it("refuses at init a driver that declares a capability without its methods", async () => {
    const c = new DriverClient(driver({}, ["resize"]));
    await expect(c.init()).rejects.toMatchObject({
      code: "NOVAKIT_DRIVER_INTERNAL",
      message: expect.stringContaining("resize"),
    });
  });

  it("ignores capability names this contract does not know", async () => {
    const c = await client(driver({ resize: async () => {} }, ["resize", "quantum-tunnelling"]));
    expect([...c.capabilities]).toEqual(["resize"]);
    expect(c.supports("resize")).toBe(true);
  });

  it("turns a malformed answer into DriverInternal naming the field", async () => {
    const c = await client(
      driver({
        getInstanceInfo: async () => ({ ...info, powerState: "bogus" }) as unknown as InstanceInfo,
      }),
    );
    await expect(c.getInstanceInfo(UUID)).rejects.toMatchObject({
      code: "NOVAKIT_DRIVER_INTERNAL",
      message: expect.stringContaining("/powerState"),
    });
  });

  it("wraps a stray error in DriverInternal with the cause, and passes contract errors through", async () => {
    const stray = new TypeError("undefined is not a function");
    const c = await client(
      driver({
        pause: async () => {
          throw stray;
        },
        resume: async () => {
          throw new InstanceNotFound(UUID);
        },
      }),
    );
    await expect(c.pause(UUID)).rejects.toMatchObject({
      code: "NOVAKIT_DRIVER_INTERNAL",
      cause: stray,
    });
    await expect(c.resume(UUID)).rejects.toBeInstanceOf(InstanceNotFound);
  });

  it("turns a synchronous throw into a rejection", async () => {
    const c = await client(
      driver({
        powerOn: (() => {
          throw new Error("sync");
        }) as ComputeDriver["powerOn"],
      }),
    );
    await expect(c.powerOn(UUID)).rejects.toMatchObject({ code: "NOVAKIT_DRIVER_INTERNAL" });
  });

  it("rejects with Timeout at the deadline and aborts the driver's signal, even if the driver ignores it", async () => {
    let seen: AbortSignal | undefined;
    const c = await client(
      driver({
        reboot: (_u, _s, options: CallOptions) => {
          seen = options.signal;
          return new Promise<void>(() => {}); // never settles
        },
      }),
    );
    await expect(c.reboot(UUID, { type: "soft" }, { timeoutMs: 30 })).rejects.toMatchObject({
      code: "NOVAKIT_TIMEOUT",
      operation: "reboot",
      retryable: true,
    });
    expect(seen?.aborted).toBe(true);
  });

  it("rejects when the caller aborts", async () => {
    const c = await client(driver({ suspend: () => new Promise<void>(() => {}) }));
    const abort = new AbortController();
    const pending = c.suspend(UUID, { signal: abort.signal });
    abort.abort(new Error("user cancelled"));
    await expect(pending).rejects.toThrow("user cancelled");
    await expect(c.suspend(UUID, { signal: abort.signal })).rejects.toThrow("user cancelled");
  });

  it("refuses a malformed UUID and a bad request before calling the driver", async () => {
    const getInstanceInfo = vi.fn(async () => info);
    const spawn = vi.fn(async () => info);
    const c = await client(driver({ getInstanceInfo, spawn }));
    await expect(c.getInstanceInfo("../../etc/passwd")).rejects.toMatchObject({
      code: "NOVAKIT_INVALID_SPEC",
      path: "/uuid",
    });
    await expect(
      c.spawn({
        uuid: UUID,
        name: "x",
        flavor: { name: "f", vcpus: 0, memoryMiB: 64, rootDiskGiB: 0 },
        image: { id: "i" },
        owner: { projectId: "p", userId: "u" },
        metadata: {},
      }),
    ).rejects.toMatchObject({ code: "NOVAKIT_INVALID_SPEC", path: "/flavor/vcpus" });
    expect(getInstanceInfo).not.toHaveBeenCalled();
    expect(spawn).not.toHaveBeenCalled();
  });

  it("leaves request validation to the driver when told to", async () => {
    const spawn = vi.fn(async () => info);
    const c = await client(driver({ spawn }), { validateRequests: false });
    await c.spawn({ uuid: UUID } as never);
    expect(spawn).toHaveBeenCalledOnce();
  });

  it("hands the driver the caller's request id, or makes a unique one", async () => {
    const ids: string[] = [];
    const c = await client(driver({ powerOff: async (_u, _s, o) => void ids.push(o.requestId) }));
    await c.powerOff(UUID, { graceMs: 0 }, { requestId: "req-from-api" });
    await c.powerOff(UUID, { graceMs: 0 });
    await c.powerOff(UUID, { graceMs: 0 });
    expect(ids[0]).toBe("req-from-api");
    expect(ids[1]).not.toBe(ids[2]);
  });

  it("keeps many concurrent deadlines apart: fast calls succeed while a slow one times out", async () => {
    const c = await client(
      driver({
        getInstanceInfo: async (uuid) => {
          if (uuid === UUID) await new Promise((r) => setTimeout(r, 200));
          return info;
        },
      }),
    );
    const other = "00000000-0000-4000-8000-000000000000";
    const slow = c.getInstanceInfo(UUID, { timeoutMs: 50 });
    const fast = await Promise.all(
      Array.from({ length: 20 }, () => c.getInstanceInfo(other, { timeoutMs: 50 })),
    );
    expect(fast).toHaveLength(20);
    await expect(slow).rejects.toMatchObject({ code: "NOVAKIT_TIMEOUT" });
  });
});
