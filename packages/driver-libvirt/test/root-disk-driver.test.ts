// Root disks through the driver on libvirt's test driver, whose "default-pool"
// keeps volumes in memory: the volume appears with the instance, is the
// domain's vda, and goes with it; a spawn that fails leaves nothing behind;
// a config naming what the host lacks is refused at init, by name.
import { randomUUID } from "node:crypto";
import { mkdtemp, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type LoadedDriver, loadDriver, type SpawnRequest } from "@novakit/driver-api";
import { Connection, unavailableReason } from "@novakit/node-libvirt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const driverDir = fileURLToPath(new URL("../", import.meta.url));
const URI = "test:///default";
const POOL = "default-pool";

const request = (uuid: string, extra: Partial<SpawnRequest> = {}): SpawnRequest => ({
  uuid,
  name: "root disk",
  flavor: { name: "small", vcpus: 1, memoryMiB: 64, rootDiskGiB: 1 },
  image: { id: "base.raw" },
  owner: { projectId: "p", userId: "u" },
  metadata: {},
  ...extra,
});

describe.skipIf(unavailableReason !== undefined)(
  "driver-libvirt: root disks on the test driver",
  () => {
    let imageDir: string;
    let loaded: LoadedDriver;
    let conn: Connection;

    const volumes = async () =>
      (await (await conn.storagePoolLookupByName(POOL)).listAllVolumes()).length;
    const volumeNamed = async (name: string) =>
      (await conn.storagePoolLookupByName(POOL)).volumeLookupByName(name).then(
        () => true,
        () => false,
      );

    beforeAll(async () => {
      imageDir = await mkdtemp(join(tmpdir(), "nk-images-"));
      await writeFile(join(imageDir, "base.raw"), Buffer.alloc(1024 * 1024));
      loaded = await loadDriver(driverDir, { uri: URI, storagePool: POOL, imageDir });
      await loaded.client.init();
      conn = await Connection.open(URI);
    });
    afterAll(async () => {
      await loaded.client.close();
      await conn.close();
      await rm(imageDir, { recursive: true, force: true });
    });

    it("gives each instance a qcow2 volume over its image as vda, and removes it on destroy", async () => {
      const uuid = randomUUID();
      await loaded.client.spawn(request(uuid));
      const name = `nk-${uuid}-root.qcow2`;
      expect(await volumeNamed(name)).toBe(true);
      const vol = await (await conn.storagePoolLookupByName(POOL)).volumeLookupByName(name);
      expect((await vol.getInfo()).capacityBytes).toBe(1024 ** 3);
      const xml = await (await conn.lookupByUUIDString(uuid)).getXMLDesc();
      expect(xml).toContain(`<source file='${await vol.getPath()}'`);
      expect(xml).toMatch(/<target dev='vda' bus='virtio'\/>/);
      await loaded.client.destroy(uuid);
      expect(await volumeNamed(name)).toBe(false);
      await loaded.client.destroy(uuid); // idempotent, volume and all
    });

    it("leaves nothing behind when a spawn fails after its volume could have been made", async () => {
      const before = await volumes();
      // A spawn whose domain cannot be made (another domain holds its name
      // under another UUID): its new volume goes with it.
      const clash = randomUUID();
      const conflicting = await conn.defineXML(
        `<domain type='test'><name>nk-${clash}</name><uuid>${randomUUID()}</uuid><memory unit='MiB'>32</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>`,
      );
      await expect(loaded.client.spawn(request(clash))).rejects.toMatchObject({
        code: "NOVAKIT_DRIVER_INTERNAL",
      });
      expect(await volumeNamed(`nk-${clash}-root.qcow2`)).toBe(false);
      await conflicting.undefine();
      // Refused before anything is made: a flavor too small for its image, an unknown image.
      await expect(
        loaded.client.spawn(request(randomUUID(), { image: { id: "missing.raw" } })),
      ).rejects.toMatchObject({ code: "NOVAKIT_INVALID_SPEC", details: { path: "/image/id" } });
      await writeFile(join(imageDir, "big.raw"), "");
      await truncate(join(imageDir, "big.raw"), 2 * 1024 ** 3); // sparse: 2 GiB to the guest
      await expect(
        loaded.client.spawn(request(randomUUID(), { image: { id: "big.raw" } })),
      ).rejects.toMatchObject({
        code: "NOVAKIT_INVALID_SPEC",
        details: { path: "/flavor/rootDiskGiB" },
      });
      expect(await volumes()).toBe(before);
    });

    it("refuses networks on a connection that plugs no interfaces, naming the field", async () => {
      const uuid = randomUUID();
      await expect(
        loaded.client.spawn(request(uuid, { networks: [{ id: "port-1", network: "default" }] })),
      ).rejects.toMatchObject({
        code: "NOVAKIT_INVALID_SPEC",
        details: { path: "/networks/0/network" },
      });
      await expect(conn.lookupByUUIDString(uuid)).rejects.toMatchObject({ name: "LibvirtError" });
    });

    it("refuses at init a storage pool or network the host does not have, naming the setting", async () => {
      const noPool = await loadDriver(driverDir, { uri: URI, storagePool: "no-such-pool" });
      await expect(noPool.client.init()).rejects.toThrow(
        /config storagePool: no storage pool "no-such-pool"/,
      );
      const noNet = await loadDriver(driverDir, { uri: URI, networks: { public: "no-such-net" } });
      await expect(noNet.client.init()).rejects.toThrow(
        /config networks.public: libvirt network "no-such-net"/,
      );
    });
  },
);
