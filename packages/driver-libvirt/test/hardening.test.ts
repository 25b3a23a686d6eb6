// What an attacker or a fault injector found in the driver (issue 10), each
// pinned down on libvirt's test driver: host files named by a request,
// leftovers of a process killed mid-spawn, a destroy that trusted a cached
// state, concurrent destroys, errors in the wrong class, and objects that
// other libvirt clients made.
import { randomUUID } from "node:crypto";
import { mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type LoadedDriver, loadDriver, type SpawnRequest } from "@novakit/driver-api";
import { Connection, unavailableReason } from "@novakit/node-libvirt";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildDomainXml } from "../src/domain-xml.js";

const driverDir = fileURLToPath(new URL("../", import.meta.url));
// test:///default is one state per process, shared by every connection to it.
const URI = "test:///default";
const POOL = "default-pool";

const request = (uuid: string, extra: Partial<SpawnRequest> = {}): SpawnRequest => ({
  uuid,
  name: "hardening",
  flavor: { name: "small", vcpus: 1, memoryMiB: 64, rootDiskGiB: 1 },
  image: { id: "base.raw" },
  owner: { projectId: "p", userId: "u" },
  metadata: {},
  ...extra,
});

describe.skipIf(unavailableReason !== undefined)("driver-libvirt hardening", () => {
  let imageDir: string;
  let conn: Connection;
  const opened: LoadedDriver[] = [];

  async function driver(config: Record<string, unknown> = {}): Promise<LoadedDriver> {
    const loaded = await loadDriver(driverDir, {
      uri: URI,
      storagePool: POOL,
      imageDir,
      eventQuietMs: 5000, // wide, so a change made by another client falls inside it
      ...config,
    });
    await loaded.client.init();
    opened.push(loaded);
    return loaded;
  }
  const pool = () => conn.storagePoolLookupByName(POOL);
  const volumeExists = async (uuid: string) =>
    (await pool()).volumeLookupByName(`nk-${uuid}-root.qcow2`).then(
      () => true,
      () => false,
    );
  const domainExists = (uuid: string) =>
    conn.lookupByUUIDString(uuid).then(
      () => true,
      () => false,
    );

  beforeAll(async () => {
    imageDir = await mkdtemp(join(tmpdir(), "nk-images-"));
    await writeFile(join(imageDir, "base.raw"), Buffer.alloc(1024 * 1024));
    await symlink("/etc/shadow", join(imageDir, "shadow"));
    conn = await Connection.open(URI);
  });
  afterEach(async () => {
    for (const loaded of opened.splice(0)) await loaded.client.close().catch(() => {});
  });
  afterAll(async () => {
    await conn.close();
    await rm(imageDir, { recursive: true, force: true });
  });

  describe("finding 1: an image names a host file", () => {
    it.each([
      ["/etc/shadow", "/image/location"],
      ["/dev/zero", "/image/location"],
      ["shadow", "/image/location"],
    ])(
      "refuses %s, naming %s and the allowed directory, and makes nothing",
      async (location, path) => {
        const { client } = await driver();
        const uuid = randomUUID();
        const err = await client
          .spawn(request(uuid, { image: { id: "img", location } }))
          .catch((e: unknown) => e);
        expect(err).toMatchObject({ code: "NOVAKIT_INVALID_SPEC", details: { path } });
        expect((err as Error).message).toContain(imageDir);
        expect(await volumeExists(uuid)).toBe(false);
        expect(await domainExists(uuid)).toBe(false);
      },
    );
  });

  describe("finding 3: what a killed spawn leaves behind", () => {
    it("is removed at the next init: a root volume without a domain, and a transient domain of its own", async () => {
      const orphan = randomUUID();
      const halfDone = randomUUID();
      const kept = randomUUID();
      const volumes = await pool();
      await volumes.volumeCreateXML(
        `<volume><name>nk-${orphan}-root.qcow2</name><capacity unit='MiB'>1</capacity></volume>`,
      );
      // A spawn cut off between starting its domain and defining it.
      await volumes.volumeCreateXML(
        `<volume><name>nk-${halfDone}-root.qcow2</name><capacity unit='MiB'>1</capacity></volume>`,
      );
      await conn.createXML(buildDomainXml(request(halfDone), { domainType: "test" }));
      // A finished spawn: persistent, and an instance whatever its state.
      const first = await driver();
      await first.client.spawn(request(kept));
      await first.client.close();

      const { client } = await driver();
      expect(await volumeExists(orphan)).toBe(false);
      expect(await volumeExists(halfDone)).toBe(false);
      expect(await domainExists(halfDone)).toBe(false);
      expect(await volumeExists(kept)).toBe(true);
      expect((await client.listInstances()).map((i) => i.uuid)).toContain(kept);
      // And the UUIDs can be spawned again.
      await client.spawn(request(orphan));
      await client.spawn(request(halfDone));
      for (const uuid of [orphan, halfDone, kept]) await client.destroy(uuid);
    });

    it("a leftover root volume does not stop a spawn of its UUID: it is replaced", async () => {
      const { client } = await driver();
      const uuid = randomUUID();
      await (await pool()).volumeCreateXML(
        `<volume><name>nk-${uuid}-root.qcow2</name><capacity unit='MiB'>1</capacity></volume>`,
      );
      await client.spawn(request(uuid));
      const volume = await (await pool()).volumeLookupByName(`nk-${uuid}-root.qcow2`);
      expect((await volume.getInfo()).capacityBytes).toBe(1024 ** 3); // the spawn's, not the leftover's
      await client.destroy(uuid);
      expect(await volumeExists(uuid)).toBe(false);
    });
  });

  describe("finding 4: destroy acts on the state it reads", () => {
    it("kills a domain another client started inside the quiet window, and leaves no domain", async () => {
      const { client } = await driver();
      const uuid = randomUUID();
      await client.spawn(request(uuid));
      await client.powerOff(uuid, { graceMs: 0 });
      await (await conn.lookupByUUIDString(uuid)).create(); // behind the driver's back
      await client.destroy(uuid);
      expect(await domainExists(uuid)).toBe(false);
      expect(await volumeExists(uuid)).toBe(false);
      await client.destroy(uuid); // and it stays idempotent
    });
  });

  describe("finding 5: two destroys at once", () => {
    it("both resolve, and the instance, its domain and its volume are gone", async () => {
      const { client } = await driver();
      for (let round = 0; round < 5; round += 1) {
        const uuid = randomUUID();
        await client.spawn(request(uuid));
        const results = await Promise.allSettled([client.destroy(uuid), client.destroy(uuid)]);
        expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled"]);
        expect(await domainExists(uuid)).toBe(false);
        expect(await volumeExists(uuid)).toBe(false);
      }
    });
  });

  describe("finding 6: errors in their contract class", () => {
    it("racing power-ons give InvalidState with the state read back, never DriverInternal", async () => {
      const { client } = await driver();
      const uuid = randomUUID();
      await client.spawn(request(uuid));
      for (let round = 0; round < 10; round += 1) {
        await client.powerOff(uuid, { graceMs: 0 });
        const results = await Promise.allSettled([client.powerOn(uuid), client.powerOn(uuid)]);
        for (const r of results) {
          if (r.status === "rejected") {
            expect(r.reason).toMatchObject({
              code: "NOVAKIT_INVALID_STATE",
              details: { currentState: "running" },
            });
          }
        }
        expect(results.some((r) => r.status === "fulfilled")).toBe(true);
      }
      await client.destroy(uuid);
    });

    it("a network this host does not plug into is InvalidSpec at /networks/N/network", async () => {
      const { client } = await driver();
      const uuid = randomUUID();
      const err = await client
        .spawn(
          request(uuid, {
            networks: [
              { id: "port-1", network: "nowhere" },
              { id: "port-2", network: "nowhere-else" },
            ],
          }),
        )
        .catch((e: unknown) => e);
      expect(err).toMatchObject({
        code: "NOVAKIT_INVALID_SPEC",
        details: { path: "/networks/0/network" },
      });
      expect(await domainExists(uuid)).toBe(false);
      expect(await volumeExists(uuid)).toBe(false);
    });
  });

  describe("finding 7: objects other libvirt clients made", () => {
    it("lists a foreign snapshot of an instance's domain as nothing, and cannot revert to it", async () => {
      const { client } = await driver();
      const uuid = randomUUID();
      await client.spawn(request(uuid));
      const own = await client.createSnapshot(uuid, { name: "ours" });
      const domain = await conn.lookupByUUIDString(uuid);
      await domain.snapshotCreateXML(
        "<domainsnapshot><name>by-virsh</name><description>taken by an operator &amp; virsh</description></domainsnapshot>",
      );
      await domain.snapshotCreateXML("<domainsnapshot><name>bare</name></domainsnapshot>");
      expect((await client.listSnapshots(uuid)).map((s) => s.id)).toEqual([own.id]);
      await expect(client.revertToSnapshot(uuid, "by-virsh")).rejects.toMatchObject({
        code: "NOVAKIT_INVALID_SPEC",
        details: { path: "/snapshotId" },
      });
      await client.deleteSnapshot(uuid, "by-virsh"); // not ours: left as it is
      expect((await domain.listAllSnapshots()).map((s) => s.getName())).toContain("by-virsh");
      await client.destroy(uuid);
    });

    it("neither lists nor touches a domain named like an instance without novakit's record", async () => {
      const uuid = randomUUID();
      await conn.defineXML(
        `<domain type='test'><name>nk-${uuid}</name><uuid>${uuid}</uuid><memory unit='MiB'>32</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>`,
      );
      const { client } = await driver();
      expect((await client.listInstances()).map((i) => i.uuid)).not.toContain(uuid);
      await expect(client.getInstanceInfo(uuid)).rejects.toMatchObject({
        code: "NOVAKIT_INSTANCE_NOT_FOUND",
      });
      await client.destroy(uuid); // idempotent: nothing of ours to destroy
      expect(await domainExists(uuid)).toBe(true);
      await expect(client.spawn(request(uuid))).rejects.toMatchObject({
        code: "NOVAKIT_INSTANCE_EXISTS",
      });
      await (await conn.lookupByUUIDString(uuid)).undefine();
    });
  });

  describe("the host's local disk", () => {
    it("is the storage pool's size, in GiB", async () => {
      const { client } = await driver();
      const resources = await client.getHostResources();
      expect(resources.localDiskGiB.total).toBe(100); // the test driver's pool is 100 GiB
      expect(resources.localDiskGiB.used).toBeLessThanOrEqual(resources.localDiskGiB.total);
    });
  });
});
