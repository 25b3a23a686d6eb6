// A spawn must never redefine a domain that exists, even one defined behind
// the driver's back, and must not refuse a UUID whose domain is gone. The
// driver answers "is this UUID free?" from what it knows instead of asking
// libvirt on every spawn, so these cases pin down that its knowledge is
// never wrong in the dangerous direction.
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import {
  InstanceExists,
  type LoadedDriver,
  loadDriver,
  type SpawnRequest,
} from "@novakit/driver-api";
import { Connection, unavailableReason } from "@novakit/node-libvirt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const driverDir = fileURLToPath(new URL("../", import.meta.url));
// test:///default is one state per process, shared by every connection to it.
const URI = "test:///default";

const request = (uuid: string): SpawnRequest => ({
  uuid,
  name: "uniqueness",
  flavor: { name: "tiny", vcpus: 1, memoryMiB: 64, rootDiskGiB: 0 },
  image: { id: "none" },
  owner: { projectId: "p", userId: "u" },
  metadata: {},
});

const foreignXml = (uuid: string) =>
  `<domain type='test'><name>nk-${uuid}</name><uuid>${uuid}</uuid><memory unit='MiB'>32</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>`;

async function until(check: () => Promise<boolean>, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
}

describe.skipIf(unavailableReason !== undefined)(
  "driver-libvirt: spawn and existing domains",
  () => {
    let loaded: LoadedDriver;
    let other: Connection;

    beforeAll(async () => {
      loaded = await loadDriver(driverDir, { uri: URI });
      await loaded.client.init();
      other = await Connection.open(URI);
    });
    afterAll(async () => {
      await loaded.client.close();
      await other.close();
    });

    it("refuses a UUID whose domain was defined before the driver started", async () => {
      const uuid = randomUUID();
      await other.defineXML(foreignXml(uuid));
      const late = await loadDriver(driverDir, { uri: URI });
      await late.client.init();
      try {
        await expect(late.client.spawn(request(uuid))).rejects.toBeInstanceOf(InstanceExists);
        // Untouched: still the 32 MiB definition, not the spawn's 64.
        const info = await (await other.lookupByUUIDString(uuid)).getInfo();
        expect(info.maxMemKiB).toBe(32 * 1024);
      } finally {
        await late.client.close();
        await (await other.lookupByUUIDString(uuid)).undefine();
      }
    });

    it("refuses a UUID whose domain another client defined while the driver ran", async () => {
      const uuid = randomUUID();
      let defined = false;
      const stop = await other.onDomainLifecycle((u, event) => {
        if (u === uuid && event === 0) defined = true;
      });
      const foreign = await other.defineXML(foreignXml(uuid));
      try {
        // libvirt's "defined" event reaches every listener asynchronously: the
        // driver's knowledge is complete once it has been delivered (here
        // through the same event loop, so a moment after this listener's).
        await until(async () => defined);
        await new Promise((r) => setTimeout(r, 50));
        await expect(loaded.client.spawn(request(uuid))).rejects.toBeInstanceOf(InstanceExists);
        expect((await foreign.getInfo()).maxMemKiB).toBe(32 * 1024);
      } finally {
        await stop();
        await foreign.undefine();
      }
    });

    it("spawns again on a UUID whose domain it destroyed, and on one removed behind its back", async () => {
      const uuid = randomUUID();
      await loaded.client.spawn(request(uuid));
      await expect(loaded.client.spawn(request(uuid))).rejects.toBeInstanceOf(InstanceExists);
      await loaded.client.destroy(uuid);
      await loaded.client.spawn(request(uuid));
      expect((await loaded.client.getInstanceInfo(uuid)).powerState).toBe("running");

      // Removed by someone else: the driver still believes it exists, checks,
      // and lets the spawn through.
      const dom = await other.lookupByUUIDString(uuid);
      await dom.destroy();
      await dom.undefine();
      await loaded.client.spawn(request(uuid));
      expect((await loaded.client.getInstanceInfo(uuid)).powerState).toBe("running");
      await loaded.client.destroy(uuid);
    });
  },
);
