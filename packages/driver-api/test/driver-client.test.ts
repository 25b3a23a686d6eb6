import { getEventListeners } from "node:events";
import { describe, expect, it, vi } from "vitest";
import {
  CAPABILITIES,
  CAPABILITY_NAMES,
  type CallOptions,
  Cancelled,
  type Capability,
  type ComputeDriver,
  DriverClient,
  type DriverClientOptions,
  type DriverLogger,
  HypervisorUnavailable,
  type InstanceInfo,
  InstanceNotFound,
  InvalidState,
  type OptionalDriverMethod,
  Timeout,
  Unsupported,
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
const spawnRequest = {
  uuid: UUID,
  name: "x",
  flavor: { name: "f", vcpus: 1, memoryMiB: 64, rootDiskGiB: 0 },
  image: { id: "i" },
  owner: { projectId: "p", userId: "u" },
  metadata: {},
};
const snapshot = {
  id: "s1",
  name: "s",
  createdAt: "2026-01-01T00:00:00Z",
  powerState: "running" as const,
};

/** A driver whose every required method resolves validly, with overrides. */
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

async function client(d: ComputeDriver, options: DriverClientOptions = {}) {
  const c = new DriverClient(d, options);
  await c.init();
  return c;
}

/** Every optional method: its capability, a valid answer, and a call through the client. */
const OPTIONAL: readonly [
  method: OptionalDriverMethod,
  capability: Capability,
  answer: unknown,
  call: (c: DriverClient) => Promise<unknown>,
][] = [
  [
    "attachBlockDevice",
    "block-device",
    { id: "vol-1", deviceName: "vdb", readOnly: false },
    (c) => c.attachBlockDevice(UUID, { id: "vol-1", source: "/dev/vg/vol-1" }),
  ],
  ["detachBlockDevice", "block-device", undefined, (c) => c.detachBlockDevice(UUID, "vol-1")],
  [
    "attachInterface",
    "network-interface",
    { id: "port-1", network: "n", macAddress: "52:54:00:00:00:01" },
    (c) => c.attachInterface(UUID, { id: "port-1", network: "n" }),
  ],
  ["detachInterface", "network-interface", undefined, (c) => c.detachInterface(UUID, "port-1")],
  ["createSnapshot", "snapshot", snapshot, (c) => c.createSnapshot(UUID, { name: "s" })],
  ["listSnapshots", "snapshot", [snapshot], (c) => c.listSnapshots(UUID)],
  ["revertToSnapshot", "snapshot", undefined, (c) => c.revertToSnapshot(UUID, "s1")],
  ["deleteSnapshot", "snapshot", undefined, (c) => c.deleteSnapshot(UUID, "s1")],
  [
    "getConsoleOutput",
    "console-output",
    { data: "login:", truncated: false },
    (c) => c.getConsoleOutput(UUID),
  ],
  ["resize", "resize", undefined, (c) => c.resize(UUID, { vcpus: 2, memoryMiB: 128 })],
  [
    "migrateLive",
    "live-migration",
    undefined,
    (c) => c.migrateLive(UUID, { destination: "qemu+ssh://b/system" }),
  ],
];

/** A driver implementing every optional method as a spy answering validly. */
function fullDriver(capabilities: string[]) {
  const spies = Object.fromEntries(
    OPTIONAL.map(([method, , answer]) => [method, vi.fn(async () => answer)]),
  ) as Record<OptionalDriverMethod, ReturnType<typeof vi.fn>>;
  return { spies, driver: driver(spies as Partial<ComputeDriver>, capabilities) };
}

/** Every per-instance operation that takes only a UUID and maybe a spec. */
const PER_INSTANCE: readonly [keyof ComputeDriver, (c: DriverClient, uuid: string) => unknown][] = [
  ["getInstanceInfo", (c, u) => c.getInstanceInfo(u)],
  ["destroy", (c, u) => c.destroy(u)],
  ["reboot", (c, u) => c.reboot(u, { type: "hard" })],
  ["powerOff", (c, u) => c.powerOff(u, { graceMs: 0 })],
  ["powerOn", (c, u) => c.powerOn(u)],
  ["pause", (c, u) => c.pause(u)],
  ["unpause", (c, u) => c.unpause(u)],
  ["suspend", (c, u) => c.suspend(u)],
  ["resume", (c, u) => c.resume(u)],
];

describe("DriverClient: capabilities", () => {
  it.each(OPTIONAL)(
    "answers Unsupported for %s when %s is not declared, without calling the driver",
    async (method, capability, _answer, call) => {
      // Declare every capability but this one, so only the one missing matters.
      const others = CAPABILITY_NAMES.filter((c) => c !== capability);
      const { spies, driver: d } = fullDriver(others);
      const c = await client(d);
      const err = await call(c).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Unsupported);
      expect(err).toMatchObject({ code: "NOVAKIT_UNSUPPORTED", operation: method, capability });
      expect(spies[method]).not.toHaveBeenCalled();
    },
  );

  it.each(OPTIONAL)(
    "calls %s when %s is declared, and returns its answer",
    async (method, capability, answer, call) => {
      const { spies, driver: d } = fullDriver([capability]);
      const c = await client(d);
      await expect(call(c)).resolves.toEqual(answer);
      expect(spies[method]).toHaveBeenCalledOnce();
      expect(spies[method].mock.calls[0]?.[0]).toBe(UUID);
    },
  );

  // suspend's methods are required ones: the loader refuses a driver without them.
  it.each(CAPABILITY_NAMES.filter((c) => c !== "suspend"))(
    "refuses at init a driver that declares %s but lacks one of its methods",
    async (capability) => {
      const { spies } = fullDriver([]);
      const methods = CAPABILITIES[capability].methods;
      const lacking = methods[methods.length - 1] as OptionalDriverMethod;
      const { [lacking]: _dropped, ...rest } = spies;
      const c = new DriverClient(driver(rest as Partial<ComputeDriver>, [capability]));
      const err = await c.init().catch((e: unknown) => e);
      expect(err).toMatchObject({ code: "NOVAKIT_DRIVER_INTERNAL" });
      expect((err as Error).message).toContain(capability);
      expect((err as Error).message).toContain(lacking);
      expect(c.capabilities.size).toBe(0);
      expect(c.info).toBeUndefined();
    },
  );

  it("gates suspend and resume by the suspend capability for a 1.1 driver, and implies it for a 1.0 one", async () => {
    const suspend = vi.fn(async () => {});
    const resume = vi.fn(async () => {});
    const without = await client(driver({ suspend, resume }), { contract: "^1.1.0" });
    expect(without.supports("suspend")).toBe(false);
    await expect(without.suspend(UUID)).rejects.toMatchObject({
      code: "NOVAKIT_UNSUPPORTED",
      details: { operation: "suspend", capability: "suspend" },
    });
    await expect(without.resume(UUID)).rejects.toMatchObject({ code: "NOVAKIT_UNSUPPORTED" });
    expect(suspend).not.toHaveBeenCalled();
    expect(resume).not.toHaveBeenCalled();
    const declared = await client(driver({ suspend, resume }, ["suspend"]), { contract: "^1.1.0" });
    await declared.suspend(UUID);
    await declared.resume(UUID);
    const legacy = await client(driver({ suspend, resume }), { contract: "^1.0.0" });
    expect(legacy.supports("suspend")).toBe(true);
    await legacy.suspend(UUID);
    const unknownRange = await client(driver({ suspend, resume })); // taken for a 1.0 driver
    expect(unknownRange.supports("suspend")).toBe(true);
    expect(suspend).toHaveBeenCalledTimes(2);
  });

  it("ignores capability names this contract does not know, and says so to the logger", async () => {
    const logger: DriverLogger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    const c = new DriverClient(
      driver({ resize: async () => {} }, ["resize", "quantum-tunnelling"]),
      { logger, contract: "^1.1.0" },
    );
    const answer = await c.init();
    expect(answer.capabilities).toEqual(["resize", "quantum-tunnelling"]);
    expect([...c.capabilities]).toEqual(["resize"]);
    expect(c.supports("resize")).toBe(true);
    expect(c.supports("snapshot")).toBe(false);
    expect(logger.info).toHaveBeenCalledWith(expect.any(String), {
      unknown: ["quantum-tunnelling"],
    });
  });
});

describe("DriverClient: the driver's answers", () => {
  it.each<[string, Partial<ComputeDriver>, (c: DriverClient) => Promise<unknown>, string]>([
    [
      "instance info with powerState bogus",
      { getInstanceInfo: async () => ({ ...info, powerState: "bogus" }) as never },
      (c) => c.getInstanceInfo(UUID),
      "/powerState",
    ],
    [
      "a spawn answer with an upper-case uuid",
      { spawn: async () => ({ ...info, uuid: UUID.toUpperCase() }) },
      (c) => c.spawn(spawnRequest),
      "/uuid",
    ],
    [
      "an instance list that is not a list",
      { listInstances: async () => ({ uuid: UUID }) as never },
      (c) => c.listInstances(),
      "",
    ],
    [
      "host resources without a hostname",
      {
        getHostResources: async () =>
          ({
            hypervisorType: "t",
            hypervisorVersion: "1",
            cpuModel: "c",
            vcpus: { total: 1, used: 0 },
            memoryMiB: { total: 1, used: 0 },
            localDiskGiB: { total: 1, used: 0 },
          }) as never,
      },
      (c) => c.getHostResources(),
      "/hostname",
    ],
  ])("turns %s into DriverInternal naming the field", async (_label, overrides, call, path) => {
    const c = await client(driver(overrides));
    const err = await call(c).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "NOVAKIT_DRIVER_INTERNAL" });
    if (path !== "") expect((err as Error).message).toContain(path);
  });

  it("turns a malformed init answer into DriverInternal and records nothing", async () => {
    const c = new DriverClient(driver({}, ["snapshot", "snapshot"]));
    await expect(c.init()).rejects.toMatchObject({ code: "NOVAKIT_DRIVER_INTERNAL" });
    expect(c.info).toBeUndefined();
  });

  it("passes a malformed answer through when told not to check answers", async () => {
    const bogus = { ...info, powerState: "bogus" } as never;
    const c = await client(driver({ getInstanceInfo: async () => bogus }), {
      validateResults: false,
    });
    await expect(c.getInstanceInfo(UUID)).resolves.toBe(bogus);
  });

  it.each<[string, () => unknown]>([
    ["a plain Error", () => new Error("boom")],
    ["a TypeError", () => new TypeError("undefined is not a function")],
    ["a string", () => "just a string"],
    ["undefined", () => undefined],
    ["an object with an unknown code", () => ({ code: "ENOENT", message: "no such file" })],
  ])("wraps %s the driver rejects with in DriverInternal, keeping the cause", async (_l, make) => {
    const thrown = make();
    const c = await client(driver({ pause: () => Promise.reject(thrown) }));
    const err = await c.pause(UUID).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "NOVAKIT_DRIVER_INTERNAL", retryable: false });
    expect((err as Error).cause).toBe(thrown);
    expect((err as Error).message).toContain("pause");
  });

  it("turns a synchronous throw into a rejecting DriverInternal", async () => {
    const thrown = new Error("sync");
    const c = await client(
      driver({
        powerOn: (() => {
          throw thrown;
        }) as ComputeDriver["powerOn"],
      }),
    );
    const pending = c.powerOn(UUID);
    expect(pending).toBeInstanceOf(Promise);
    await expect(pending).rejects.toMatchObject({
      code: "NOVAKIT_DRIVER_INTERNAL",
      cause: thrown,
    });
  });

  it.each<[string, () => unknown]>([
    ["InstanceNotFound", () => new InstanceNotFound(UUID)],
    ["InvalidState", () => new InvalidState(UUID, "resume", "stopped")],
    ["HypervisorUnavailable", () => new HypervisorUnavailable("connection refused")],
    ["a Timeout of the driver's own", () => new Timeout("resume", 5)],
    [
      "a contract error from another copy of the package",
      () => ({ code: "NOVAKIT_INSTANCE_NOT_FOUND", message: "gone", retryable: false }),
    ],
  ])("passes %s through unchanged", async (_label, make) => {
    const thrown = make();
    const c = await client(driver({ resume: () => Promise.reject(thrown) }));
    await expect(c.resume(UUID)).rejects.toBe(thrown);
  });
});

describe("DriverClient: deadlines and cancellation", () => {
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
      timeoutMs: 30,
      retryable: true,
    });
    expect(seen?.aborted).toBe(true);
  });

  it("applies the per-operation deadline from the client's options", async () => {
    const c = await client(driver({ unpause: () => new Promise<void>(() => {}) }), {
      timeoutsMs: { unpause: 25 },
    });
    const started = Date.now();
    await expect(c.unpause(UUID)).rejects.toMatchObject({
      code: "NOVAKIT_TIMEOUT",
      operation: "unpause",
      timeoutMs: 25,
    });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("drops the driver's late answer after a timeout", async () => {
    let answer: (value: InstanceInfo) => void = () => {};
    const c = await client(
      driver({ getInstanceInfo: () => new Promise<InstanceInfo>((r) => (answer = r)) }),
    );
    const pending = c.getInstanceInfo(UUID, { timeoutMs: 20 });
    await expect(pending).rejects.toMatchObject({ code: "NOVAKIT_TIMEOUT" });
    answer(info);
    await expect(pending).rejects.toMatchObject({ code: "NOVAKIT_TIMEOUT" });
  });

  it("rejects with Cancelled, the caller's reason as its cause, when the caller aborts, and aborts the driver's signal", async () => {
    let seen: AbortSignal | undefined;
    const c = await client(
      driver({
        suspend: (_u, options) => {
          seen = options.signal;
          return new Promise<void>(() => {});
        },
      }),
    );
    const abort = new AbortController();
    const reason = new Error("user cancelled");
    const pending = c.suspend(UUID, { signal: abort.signal });
    abort.abort(reason);
    const err = await pending.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Cancelled);
    expect(err).toMatchObject({ code: "NOVAKIT_CANCELLED", details: { operation: "suspend" } });
    expect((err as Error).cause).toBe(reason);
    expect(seen?.aborted).toBe(true);
  });

  it("leaves no listener on the caller's signal once a call has ended, by answer or by deadline", async () => {
    const c = await client(
      driver({
        suspend: () => Promise.resolve(),
        resume: () => new Promise<void>(() => {}), // never settles
      }),
    );
    const longLived = new AbortController();
    await c.suspend(UUID, { signal: longLived.signal });
    await expect(c.resume(UUID, { signal: longLived.signal, timeoutMs: 20 })).rejects.toMatchObject(
      {
        code: "NOVAKIT_TIMEOUT",
      },
    );
    expect(getEventListeners(longLived.signal, "abort")).toHaveLength(0);
  });

  it("rejects a call whose signal is already aborted without calling the driver", async () => {
    const suspend = vi.fn(async () => {});
    const c = await client(driver({ suspend }));
    const reason = new Error("too late");
    const err = await c
      .suspend(UUID, { signal: AbortSignal.abort(reason) })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "NOVAKIT_CANCELLED", cause: reason });
    expect(suspend).not.toHaveBeenCalled();
  });

  it("keeps many concurrent deadlines apart: fast calls succeed while a slow one times out", async () => {
    const other = "00000000-0000-4000-8000-000000000000";
    const c = await client(
      driver({
        getInstanceInfo: async (uuid) => {
          if (uuid === UUID) await new Promise((r) => setTimeout(r, 200));
          return { ...info, uuid };
        },
      }),
    );
    const slow = c.getInstanceInfo(UUID, { timeoutMs: 50 });
    const fast = await Promise.all(
      Array.from({ length: 20 }, () => c.getInstanceInfo(other, { timeoutMs: 50 })),
    );
    expect(fast.map((i) => i.uuid)).toEqual(Array(20).fill(other));
    await expect(slow).rejects.toMatchObject({ code: "NOVAKIT_TIMEOUT" });
  });
});

describe("DriverClient: requests", () => {
  it.each(
    PER_INSTANCE.flatMap(([method, call]) =>
      ["../../etc/passwd", UUID.toUpperCase(), "", ` ${UUID}`].map(
        (uuid) => [method, uuid, call] as const,
      ),
    ),
  )(
    "refuses %s of %j with InvalidSpec at /uuid before calling the driver",
    async (method, uuid, call) => {
      const spy = vi.fn(async () => info);
      const c = await client(driver({ [method]: spy }));
      await expect(call(c, uuid)).rejects.toMatchObject({
        code: "NOVAKIT_INVALID_SPEC",
        path: "/uuid",
      });
      expect(spy).not.toHaveBeenCalled();
    },
  );

  it.each<[keyof ComputeDriver, string, (c: DriverClient, id: string) => Promise<unknown>]>([
    ["detachBlockDevice", "/deviceId", (c, id) => c.detachBlockDevice(UUID, id)],
    ["detachInterface", "/interfaceId", (c, id) => c.detachInterface(UUID, id)],
    ["revertToSnapshot", "/snapshotId", (c, id) => c.revertToSnapshot(UUID, id)],
    ["deleteSnapshot", "/snapshotId", (c, id) => c.deleteSnapshot(UUID, id)],
  ])(
    "%s refuses an id that no request could have given, at %s, before calling the driver (1.1)",
    async (method, path, call) => {
      const spy = vi.fn(async () => {});
      const capabilities: Capability[] = ["block-device", "network-interface", "snapshot"];
      const optional = Object.fromEntries(
        capabilities.flatMap((cap) => CAPABILITIES[cap].methods.map((m) => [m, async () => {}])),
      );
      const c = await client(driver({ ...optional, [method]: spy }, capabilities));
      for (const bad of ["", "x".repeat(256), "a\u0000b", "lone\ud800"]) {
        await expect(call(c, bad)).rejects.toMatchObject({ code: "NOVAKIT_INVALID_SPEC", path });
      }
      expect(spy).not.toHaveBeenCalled();
      await call(c, "vol-1 🚀");
      expect(spy).toHaveBeenCalledTimes(1);
    },
  );

  it.each<[string, keyof ComputeDriver, (c: DriverClient) => unknown, string]>([
    [
      "a spawn with 0 vCPUs",
      "spawn",
      (c) => c.spawn({ ...spawnRequest, flavor: { ...spawnRequest.flavor, vcpus: 0 } }),
      "/flavor/vcpus",
    ],
    [
      "a spawn with an unknown field",
      "spawn",
      (c) => c.spawn({ ...spawnRequest, hostname: "elsewhere" } as never),
      "/hostname",
    ],
    [
      "a reboot of an unknown type",
      "reboot",
      (c) => c.reboot(UUID, { type: "warm" } as never),
      "/type",
    ],
    [
      "a power-off with negative grace",
      "powerOff",
      (c) => c.powerOff(UUID, { graceMs: -1 }),
      "/graceMs",
    ],
    [
      "a resize to 32 MiB",
      "resize",
      (c) => c.resize(UUID, { vcpus: 1, memoryMiB: 32 }),
      "/memoryMiB",
    ],
    [
      "a snapshot with no name",
      "createSnapshot",
      (c) => c.createSnapshot(UUID, { name: "" }),
      "/name",
    ],
    [
      "an interface with a bad MAC",
      "attachInterface",
      (c) => c.attachInterface(UUID, { id: "p", network: "n", macAddress: "52:54:00:ZZ:00:01" }),
      "/macAddress",
    ],
  ])(
    "refuses %s with InvalidSpec at the field, before calling the driver",
    async (_l, method, call, path) => {
      const { spies } = fullDriver([]);
      const spy = vi.fn(async () => info);
      const c = await client(
        driver({ ...(spies as Partial<ComputeDriver>), [method]: spy }, [...CAPABILITY_NAMES]),
      );
      await expect(call(c)).rejects.toMatchObject({ code: "NOVAKIT_INVALID_SPEC", path });
      expect(spy).not.toHaveBeenCalled();
    },
  );

  it("leaves request validation to the driver when told to", async () => {
    const spawn = vi.fn(async () => info);
    const c = await client(driver({ spawn }), { validateRequests: false });
    await c.spawn({ uuid: UUID } as never);
    expect(spawn).toHaveBeenCalledOnce();
  });

  it("hands the driver the caller's request id, or makes a unique one", async () => {
    const ids: string[] = [];
    const powerOff = async (_u: string, _s: unknown, o: CallOptions) => void ids.push(o.requestId);
    const a = await client(driver({ powerOff }));
    const b = await client(driver({ powerOff }));
    await a.powerOff(UUID, { graceMs: 0 }, { requestId: "req-from-api" });
    await a.powerOff(UUID, { graceMs: 0 });
    await a.powerOff(UUID, { graceMs: 0 });
    await b.powerOff(UUID, { graceMs: 0 });
    expect(ids[0]).toBe("req-from-api");
    const generated = ids.slice(1);
    for (const id of generated) expect(id).toMatch(/\S/);
    expect(new Set(generated).size).toBe(generated.length);
    expect(generated).not.toContain("req-from-api");
  });
});
