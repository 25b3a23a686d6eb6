// The binding against libvirt's test driver, in process. Skipped, with the
// reason, where the addon could not be built for lack of libvirt's headers.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  Connection,
  DomainEvent,
  DomainState,
  ErrorNumber,
  isLibvirtError,
  MetadataType,
  ModifyFlags,
  unavailableReason,
} from "../src/index.js";

const built = unavailableReason === undefined;

const xml = (uuid: string, name = `nk-test-${uuid}`) =>
  `<domain type='test'><name>${name}</name><uuid>${uuid}</uuid><memory unit='MiB'>64</memory><vcpu>2</vcpu><os><type>hvm</type></os></domain>`;

function open(): Promise<Connection> {
  return Connection.open("test:///default", { threads: 2 });
}

describe.skipIf(!built)("node-libvirt on test:///default", () => {
  it("runs a domain through define, create, info, destroy and undefine", async () => {
    const conn = await open();
    expect(await conn.getLibVersion()).toBeGreaterThan(1_000_000);
    const uuid = randomUUID();
    const dom = await conn.defineXML(xml(uuid));
    expect(dom.getUUIDString()).toBe(uuid);
    await dom.create();
    expect(await dom.getInfo()).toMatchObject({
      state: DomainState.Running,
      vcpus: 2,
      memoryKiB: 65536,
    });
    await dom.destroy();
    expect((await dom.getInfo()).state).toBe(DomainState.Shutoff);
    await dom.undefine();
    const gone = await conn.lookupByUUIDString(uuid).catch((e: unknown) => e);
    expect(isLibvirtError(gone, ErrorNumber.NoDomain)).toBe(true);
    await conn.close();
  });

  it("reports libvirt's error code and message, captured on the worker thread", async () => {
    const conn = await open();
    await expect(conn.defineXML("<domain type='test'><name>broken")).rejects.toMatchObject({
      name: "LibvirtError",
      code: expect.any(Number),
      message: expect.stringContaining("domain_definition"),
    });
    await conn.close();
  });

  it("rejects, never crashes, when a handle outlives its connection", async () => {
    const conn = await open();
    const dom = await conn.defineXML(xml(randomUUID()));
    await conn.close();
    await expect(dom.create()).rejects.toThrow(/connection is closed/);
    await expect(conn.getLibVersion()).rejects.toThrow(/connection is closed/);
  });

  it("keeps many calls in flight on one connection correct", async () => {
    const conn = await open();
    const uuids = Array.from({ length: 64 }, () => randomUUID());
    const doms = await Promise.all(uuids.map((u) => conn.defineXML(xml(u))));
    await Promise.all(doms.map((d) => d.create()));
    const infos = await Promise.all(doms.map((d) => d.getInfo()));
    expect(infos.every((i) => i.state === 1)).toBe(true);
    // Fresh handles from lookups, used once and dropped. (That a collected
    // handle cannot free a pointer in use rests on each call holding its own
    // reference; a forced-GC soak test is still to come.)
    await Promise.all(
      uuids.map(async (u) => {
        const d = await conn.lookupByUUIDString(u);
        await d.destroy();
        await d.undefine();
      }),
    );
    await conn.close();
  });
});

describe.skipIf(!built)("node-libvirt: the rest of a compute driver's calls", () => {
  it("reads the host: hostname, type, versions, node info, free memory, capabilities", async () => {
    const conn = await open();
    expect(conn.isAlive()).toBe(true);
    expect(await conn.getType()).toBe("TEST");
    expect(await conn.getHostname()).toBeTruthy();
    expect(await conn.getVersion()).toBeGreaterThan(0);
    expect(await conn.getNodeInfo()).toMatchObject({
      cpus: expect.any(Number),
      memoryKiB: expect.any(Number),
    });
    expect(await conn.getFreeMemory()).toBeGreaterThan(0);
    expect(await conn.getCapabilities()).toContain("<capabilities>");
    await conn.close();
    expect(conn.isAlive()).toBe(false);
  });

  it("pauses, resumes, saves to disk and restores a domain, and reports state with reason", async () => {
    const conn = await open();
    const dom = await conn.defineXML(xml(randomUUID()));
    await dom.create();
    await dom.suspend();
    expect((await dom.getState()).state).toBe(DomainState.Paused);
    await dom.resume();
    await dom.managedSave();
    expect(await dom.hasManagedSaveImage()).toBe(true);
    expect((await dom.getState()).state).toBe(DomainState.Shutoff);
    await dom.create();
    expect((await dom.getState()).state).toBe(DomainState.Running);
    await dom.reboot();
    await dom.reset();
    await dom.destroy();
    await dom.undefine();
    await conn.close();
  });

  it("keeps metadata, hostile text included, and returns it unchanged", async () => {
    const conn = await open();
    const dom = await conn.defineXML(xml(randomUUID()));
    const text = `<nova>&amp; "quotes" 'single' \n 名前 🚀</nova>`;
    await dom.setMetadata(MetadataType.Description, text, null, null, ModifyFlags.Config);
    expect(await dom.getMetadata(MetadataType.Description, null, ModifyFlags.Config)).toBe(text);
    const element =
      '<instance xmlns="https://novakit.dev/xmlns/instance/1"><owner>p &amp; u</owner></instance>';
    await dom.setMetadata(
      MetadataType.Element,
      element,
      "nk",
      "https://novakit.dev/xmlns/instance/1",
      ModifyFlags.Config,
    );
    expect(
      await dom.getMetadata(
        MetadataType.Element,
        "https://novakit.dev/xmlns/instance/1",
        ModifyFlags.Config,
      ),
    ).toContain("p &amp; u");
    expect(await dom.getXMLDesc()).toContain("novakit.dev/xmlns/instance/1");
    await dom.undefine();
    await conn.close();
  });

  it("changes vCPUs and memory of a defined domain", async () => {
    const conn = await open();
    const dom = await conn.defineXML(xml(randomUUID()));
    await dom.setMaxMemory(131072);
    await dom.setMemory(131072, ModifyFlags.Config);
    await dom.setVcpus(1, ModifyFlags.Config);
    expect(await dom.getInfo()).toMatchObject({ vcpus: 1, maxMemKiB: 131072 });
    await dom.undefine();
    await conn.close();
  });

  it("takes, lists, reverts to and deletes snapshots", async () => {
    const conn = await open();
    const dom = await conn.defineXML(xml(randomUUID()));
    await dom.create();
    const snap = await dom.snapshotCreateXML("<domainsnapshot><name>s1</name></domainsnapshot>");
    expect(snap.getName()).toBe("s1");
    expect((await dom.listAllSnapshots()).map((s) => s.getName())).toEqual(["s1"]);
    await dom.destroy();
    await snap.revert();
    expect((await dom.getState()).state).toBe(DomainState.Running);
    await snap.delete();
    expect(await dom.listAllSnapshots()).toEqual([]);
    await dom.destroy();
    await dom.undefine();
    await conn.close();
  });

  it("lists domains, storage pools with their volumes, and networks", async () => {
    const conn = await open();
    expect((await conn.listAllDomains()).map((d) => d.getName())).toContain("test");
    const pool = await conn.storagePoolLookupByName("default-pool");
    const name = `nk-${randomUUID()}.img`;
    const vol = await pool.volumeCreateXML(
      `<volume><name>${name}</name><capacity unit='MiB'>16</capacity></volume>`,
    );
    expect(await vol.getPath()).toContain(name);
    expect((await vol.getInfo()).capacityBytes).toBe(16 * 1024 * 1024);
    const clone = await pool.volumeCreateXMLFrom(
      `<volume><name>clone-${name}</name><capacity unit='MiB'>16</capacity></volume>`,
      vol,
    );
    await clone.delete();
    await vol.delete();
    expect(await pool.isActive()).toBe(true);
    const net = await conn.networkLookupByName("default");
    expect(await net.getXMLDesc()).toContain("<network");
    expect(await net.isActive()).toBe(true);
    await net.destroy();
    expect(await net.isActive()).toBe(false);
    await net.create();
    expect(await net.isActive()).toBe(true);
    expect((await conn.listAllNetworks()).length).toBeGreaterThan(0);
    await conn.close();
  });
});

describe.skipIf(!built)("node-libvirt events", () => {
  it("delivers domain lifecycle events to JavaScript, in order, until told to stop", async () => {
    const conn = await open();
    const seen: [string, number][] = [];
    const uuid = randomUUID();
    const stop = await conn.onDomainLifecycle((u, event) => {
      if (u === uuid) seen.push([u, event]);
    });
    const dom = await conn.defineXML(xml(uuid));
    await dom.create();
    await dom.suspend();
    await dom.resume();
    await dom.destroy();
    await dom.undefine();
    const deadline = Date.now() + 5000;
    while (seen.length < 6 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(seen.map(([, e]) => e)).toEqual([
      DomainEvent.Defined,
      DomainEvent.Started,
      DomainEvent.Suspended,
      DomainEvent.Resumed,
      DomainEvent.Stopped,
      DomainEvent.Undefined,
    ]);
    await stop();
    const after = seen.length;
    const other = await conn.defineXML(xml(uuid));
    await other.undefine();
    await new Promise((r) => setTimeout(r, 50));
    expect(seen.length).toBe(after);
    await conn.close();
  });

  it("accepts a close listener", async () => {
    const conn = await open();
    await expect(conn.onClose(() => {})).resolves.toBeUndefined();
    await conn.close();
  });
});

describe.skipIf(built)("node-libvirt without libvirt", () => {
  it(`is skipped: ${unavailableReason ?? "the addon is built"}`, () => {
    expect(built).toBe(false);
  });
});

describe.skipIf(!built)("node-libvirt under garbage collection", () => {
  it("keeps calls whose handles were collected mid-flight correct, and does not crash", async () => {
    const { execFileSync } = await import("node:child_process");
    const script = new URL("./gc-soak.mjs", import.meta.url).pathname;
    const out = execFileSync(process.execPath, ["--expose-gc", script], { encoding: "utf8" });
    expect(JSON.parse(out)).toEqual({
      domains: 1000,
      calls: 3000,
      failures: 0,
      handlesCollected: true,
    });
  }, 120_000);
});
