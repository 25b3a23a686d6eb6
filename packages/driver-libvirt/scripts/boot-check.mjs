// Proves a real guest runs under driver-libvirt on QEMU (TCG): spawn it and
// wait for its marker on the serial console, see that it reads its root disk
// (the image's marker, through the qcow2 overlay) and has the interface it
// was given (its MAC address, printed by the guest), hard-reboot it and wait
// for the marker again, power it off and see it stopped, then destroy it
// and see its root volume gone. On the way, volumes from outside the
// configured directories are refused whatever the power state, and a bus
// QEMU cannot hot-plug is refused on the running guest, saying why.
// Prints each step's time; exits 1 when a step fails.
import { randomUUID } from "node:crypto";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadDriver } from "@novakit/driver-api";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const configPath = process.argv[2] ?? `${root}packages/driver-libvirt/certify/qemu-tcg.json`;
const config = JSON.parse(readFileSync(configPath, "utf8"));
const MARKER = "NOVAKIT-GUEST-BOOTED";
const DISK_MARKER = "NOVAKIT-ROOT-DISK";

const loaded = await loadDriver(`${root}packages/driver-libvirt`, config);
const client = loaded.client;
await client.init();
const uuid = randomUUID();
const t0 = performance.now();
const step = (what) =>
  console.log(`${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s  ${what}`);

async function markers(timeoutMs, count, marker = MARKER) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { data } = await client.getConsoleOutput(uuid);
    if (data.split(marker).length - 1 >= count) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  const { data } = await client.getConsoleOutput(uuid, { maxBytes: 2000 });
  throw new Error(
    `the guest did not print ${marker} ${count} time(s) within ${timeoutMs / 1000} s; the console ends:\n${data}`,
  );
}

const withDisk = config.storagePool !== undefined;
const network = Object.keys(config.networks ?? {})[0];

/**
 * Volumes from outside the configured directories are refused at /source,
 * and the domain's persistent definition never names them.
 */
async function refusesHostFiles(state) {
  if (config.volumeDirs === undefined) return;
  const stray = `/tmp/novakit-boot-check-${uuid}.img`;
  writeFileSync(stray, Buffer.alloc(1024 * 1024));
  const sources = [
    "/etc/shadow",
    `${config.volumeDirs[0]}/../../../../etc/shadow`,
    stray,
    "/dev/zero",
  ];
  try {
    for (const [i, source] of sources.entries()) {
      const err = await client
        .attachBlockDevice(uuid, { id: `hostile-${i}`, source })
        .catch((e) => e);
      if (err?.code !== "NOVAKIT_INVALID_SPEC" || err.details?.path !== "/source") {
        throw new Error(
          `attaching ${source} to a ${state} guest gave ${err?.code ?? "success"}, not InvalidSpec at /source`,
        );
      }
    }
  } finally {
    rmSync(stray, { force: true });
  }
  const { Connection } = await import("@novakit/node-libvirt");
  const conn = await Connection.open(config.uri);
  const persistent = await (await conn.lookupByUUIDString(uuid)).getXMLDesc(2);
  await conn.close();
  for (const needle of ["/etc/shadow", stray, "/dev/zero"]) {
    if (persistent.includes(needle))
      throw new Error(`the ${state} guest's definition names ${needle}`);
  }
  step(
    `host files outside volumeDirs refused on the ${state} guest (InvalidSpec at /source, definition untouched)`,
  );
}

let failed = false;
try {
  await client.spawn({
    uuid,
    name: "novakit boot check",
    flavor: { name: "tiny", vcpus: 1, memoryMiB: 128, rootDiskGiB: 1 },
    image: { id: "novakit-conformance-image" },
    owner: { projectId: "novakit", userId: "novakit" },
    metadata: { purpose: "boot-check" },
    ...(network === undefined ? {} : { networks: [{ id: "boot-check-port", network }] }),
  });
  step("spawned");
  await markers(120_000, 1);
  step("guest booted to init (marker on the console)");
  if (withDisk) {
    await markers(60_000, 1, DISK_MARKER);
    step("guest read its root disk (the image's marker through the qcow2 overlay)");
  }
  if (network !== undefined) {
    const [nic] = (await client.getInstanceInfo(uuid)).interfaces;
    if (nic === undefined) throw new Error("the instance reports no interface");
    await markers(60_000, 1, `NOVAKIT-NIC ${nic.macAddress}`);
    step(`guest sees its interface on ${network} (${nic.macAddress})`);
  }
  await refusesHostFiles("running");
  const volumeDir = config.volumeDirs?.[0];
  if (volumeDir !== undefined) {
    const ide = await client
      .attachBlockDevice(uuid, {
        id: "ide-vol",
        source: `${volumeDir}/conformance.img`,
        bus: "ide",
      })
      .catch((err) => err);
    if (ide?.code !== "NOVAKIT_INVALID_STATE") {
      throw new Error(
        `an ide volume on a running guest gave ${ide?.code ?? "success"}, not InvalidState`,
      );
    }
    step("a bus QEMU cannot hot-plug is refused on the running guest (InvalidState, saying why)");
  }
  await client.reboot(uuid, { type: "hard" });
  await markers(120_000, 2);
  step("hard reboot: booted again (second marker)");
  await client.powerOff(uuid, { graceMs: 0 });
  const info = await client.getInstanceInfo(uuid);
  if (info.powerState !== "stopped")
    throw new Error(`after power-off the instance is ${info.powerState}`);
  step("powered off: stopped");
  await refusesHostFiles("stopped");
} catch (err) {
  failed = true;
  console.error(`boot check failed: ${err.message}`);
} finally {
  await client.destroy(uuid).catch(() => {});
  await client.close();
}
if (withDisk && !failed) {
  const { Connection } = await import("@novakit/node-libvirt");
  const conn = await Connection.open(config.uri);
  const pool = await conn.storagePoolLookupByName(config.storagePool);
  const left = (await pool.listAllVolumes()).length;
  const gone = await pool.volumeLookupByName(`nk-${uuid}-root.qcow2`).then(
    () => false,
    () => true,
  );
  await conn.close();
  if (!gone) {
    failed = true;
    console.error("boot check failed: the root volume outlived its instance");
  } else step(`destroyed: root volume removed (${left} volume(s) left in ${config.storagePool})`);
}
step(failed ? "FAILED" : "boot check passed");
process.exitCode = failed ? 1 : 0;
