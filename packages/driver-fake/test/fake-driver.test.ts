// What the reference driver does beyond what the conformance suite checks:
// its fault injection, simulated latency, live migration between fake hosts,
// and guests that ignore a clean shutdown. The contract itself is certified
// by the conformance suite in packages/conformance.
import { randomUUID } from "node:crypto";
import {
  createDriverHost,
  DriverClient,
  type LifecycleEvent,
  type SpawnRequest,
} from "@novakit/driver-api";
import { afterEach, describe, expect, it } from "vitest";
import { FakeDriver, type FakeDriverConfig } from "../src/index.js";

const clients: DriverClient[] = [];

async function open(config: FakeDriverConfig = {}) {
  const events: LifecycleEvent[] = [];
  const driver = new FakeDriver(config, createDriverHost({ onEvent: (e) => events.push(e) }));
  const client = new DriverClient(driver);
  await client.init();
  clients.push(client);
  return { driver, client, events };
}

afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
});

function request(overrides: Partial<SpawnRequest> = {}): SpawnRequest {
  return {
    uuid: randomUUID(),
    name: "test",
    flavor: { name: "m1", vcpus: 2, memoryMiB: 256, rootDiskGiB: 1 },
    image: { id: "img" },
    owner: { projectId: "p", userId: "u" },
    metadata: {},
    ...overrides,
  };
}

describe("FakeDriver", () => {
  it("reports a simulated crash as a crashed event, after which power-on recovers", async () => {
    const { driver, client, events } = await open();
    const r = request();
    await client.spawn(r);
    driver.simulateCrash(r.uuid);
    expect((await client.getInstanceInfo(r.uuid)).powerState).toBe("crashed");
    await client.powerOn(r.uuid);
    expect(events.map((e) => e.type)).toEqual(["started", "crashed", "started"]);
  });

  it("reports a guest that powers itself off as stopped", async () => {
    const { driver, client, events } = await open();
    const r = request();
    await client.spawn(r);
    driver.simulateGuestShutdown(r.uuid);
    expect((await client.getInstanceInfo(r.uuid)).powerState).toBe("stopped");
    expect(events.at(-1)).toMatchObject({
      type: "stopped",
      instanceUuid: r.uuid,
      reason: "guest shut down",
    });
  });

  it("answers HypervisorUnavailable (retryable) while the hypervisor is marked down", async () => {
    const { driver, client } = await open();
    driver.setHypervisorAvailable(false);
    await expect(client.listInstances()).rejects.toMatchObject({
      code: "NOVAKIT_HYPERVISOR_UNAVAILABLE",
      retryable: true,
    });
    driver.setHypervisorAvailable(true);
    await expect(client.listInstances()).resolves.toEqual([]);
  });

  it("waits out its simulated latency, and stops waiting when the caller aborts", async () => {
    const { client } = await open({ latencyMs: { listInstances: 200 } });
    const started = performance.now();
    await client.listInstances();
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    const abort = new AbortController();
    const pending = client.listInstances({ signal: abort.signal });
    const reason = new Error("caller gave up");
    abort.abort(reason);
    await expect(pending).rejects.toMatchObject({ code: "NOVAKIT_CANCELLED", cause: reason });
  });

  it("times out a call whose latency exceeds the deadline", async () => {
    const { client } = await open({ latencyMs: 500 });
    await expect(client.getHostResources({ timeoutMs: 50 })).rejects.toMatchObject({
      code: "NOVAKIT_TIMEOUT",
    });
  });

  it("waits the grace period for a guest that ignores shutdown, then forces it off", async () => {
    const { client } = await open({ cleanShutdown: false });
    const r = request();
    await client.spawn(r);
    const started = performance.now();
    await client.powerOff(r.uuid, { graceMs: 150 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect((await client.getInstanceInfo(r.uuid)).powerState).toBe("stopped");
  });

  it("moves a running instance to another fake host by live migration, keeping it running", async () => {
    const source = await open({ hostname: "source-host" });
    const target = await open({ hostname: "target-host" });
    const r = request({ name: "migrant", metadata: { k: "v" } });
    await source.client.spawn(r);
    await source.client.migrateLive(r.uuid, { destination: "fake://target-host" });
    await expect(source.client.getInstanceInfo(r.uuid)).rejects.toMatchObject({
      code: "NOVAKIT_INSTANCE_NOT_FOUND",
    });
    expect(await target.client.getInstanceInfo(r.uuid)).toMatchObject({
      name: "migrant",
      metadata: { k: "v" },
      powerState: "running",
    });
    await expect(
      source.client.migrateLive(randomUUID(), { destination: "fake://target-host" }),
    ).rejects.toMatchObject({
      code: "NOVAKIT_INSTANCE_NOT_FOUND",
    });
  });

  it("refuses a migration to a host that is not up, keeping the instance where it was", async () => {
    const { client } = await open({ hostname: "lonely-host" });
    const r = request();
    await client.spawn(r);
    await expect(
      client.migrateLive(r.uuid, { destination: "fake://nowhere" }),
    ).rejects.toMatchObject({
      code: "NOVAKIT_HYPERVISOR_UNAVAILABLE",
    });
    expect((await client.getInstanceInfo(r.uuid)).powerState).toBe("running");
  });

  it("declares only the capabilities its config names, and the client gates the rest", async () => {
    const { client } = await open({ capabilities: ["snapshot"] });
    // Its range is ^1.0.0: suspend, required in 1.0, comes with it whatever the config says.
    expect([...client.capabilities].sort()).toEqual(["snapshot", "suspend"]);
    const r = request();
    await client.spawn(r);
    await expect(client.resize(r.uuid, { vcpus: 1, memoryMiB: 128 })).rejects.toMatchObject({
      code: "NOVAKIT_UNSUPPORTED",
      capability: "resize",
    });
  });

  it("counts every instance's flavor in host usage, and gives it back on destroy", async () => {
    const { client } = await open({ host: { vcpus: 8, memoryMiB: 4096, diskGiB: 100 } });
    const r = request();
    await client.spawn(r);
    const during = await client.getHostResources();
    expect(during.vcpus).toEqual({ total: 8, used: 2 });
    expect(during.memoryMiB).toEqual({ total: 4096, used: 256 });
    expect(during.localDiskGiB).toEqual({ total: 100, used: 1 });
    await client.destroy(r.uuid);
    expect((await client.getHostResources()).vcpus.used).toBe(0);
  });

  it("keeps its own copy of a spawn request, unaffected by the caller changing it later", async () => {
    const { client } = await open();
    const r = request({ name: "original", metadata: { k: "v" } });
    await client.spawn(r);
    r.name = "changed";
    r.metadata.k = "changed";
    expect(await client.getInstanceInfo(r.uuid)).toMatchObject({
      name: "original",
      metadata: { k: "v" },
    });
  });
});
