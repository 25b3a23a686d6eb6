// Proves a real boot on real Xen before the suite runs: through the driver
// and its ssh transport, a PVH guest is spawned and must print its marker
// (NOVAKIT-XEN-GUEST-UP boot_id=...) on its console, as xenconsoled logs it;
// a soft reboot must bring a second marker with a new boot id (a new domain
// id, the same UUID); a power-off with a grace period must end with the guest
// shutting itself down (not forced); destroy must leave nothing.
//
//   node packages/driver-xen/scripts/boot-check.mjs [--config FILE]
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { loadDriver } from "@novakit/driver-api";

const driverDir = fileURLToPath(new URL("../", import.meta.url));
const { values } = parseArgs({
  options: { config: { type: "string", default: `${driverDir}certify/xen-qemu.json` } },
});
const config = JSON.parse(readFileSync(values.config, "utf8"));
const events = [];
const { client } = await loadDriver(driverDir, config, { onEvent: (e) => events.push(e) });
const call = (timeoutMs = 300_000) => ({ timeoutMs, requestId: `boot-check-${randomUUID()}` });
const t0 = performance.now();
const secs = () => ((performance.now() - t0) / 1000).toFixed(1);
const say = (line) => console.log(`  [${secs()} s] ${line}`);

const markers = async (uuid) => {
  const { data } = await client.getConsoleOutput(uuid, {}, call());
  return [...data.matchAll(/NOVAKIT-XEN-GUEST-UP boot_id=([0-9a-f-]+)/g)].map((m) => m[1]);
};
const waitMarkers = async (uuid, count, timeoutS) => {
  const deadline = Date.now() + timeoutS * 1000;
  for (;;) {
    const found = await markers(uuid);
    if (found.length >= count) return found;
    if (Date.now() > deadline)
      throw new Error(`no marker #${count} on the console after ${timeoutS} s`);
    await new Promise((r) => setTimeout(r, 2000));
  }
};

const info = await client.init(call());
say(
  `driver-xen on ${info.hypervisorType} ${info.hypervisorVersion}, capabilities ${info.capabilities.join(", ")}`,
);
const uuid = randomUUID();
let failed = false;
try {
  const spawned = await client.spawn(
    {
      uuid,
      name: "boot check",
      flavor: { name: "tiny", vcpus: 1, memoryMiB: 128, rootDiskGiB: 0 },
      image: { id: "novakit-xen-guest" },
      owner: { projectId: "boot-check", userId: "boot-check" },
      metadata: { purpose: "boot check" },
    },
    call(),
  );
  say(`spawned ${uuid}: ${spawned.powerState}`);
  const [first] = await waitMarkers(uuid, 1, 240);
  say(`guest booted: marker with boot_id ${first}`);
  await client.reboot(uuid, { type: "soft" }, call());
  const second = (await waitMarkers(uuid, 2, 240))[1];
  if (second === first) throw new Error("the second marker has the first boot's id");
  say(`guest rebooted: a second marker, boot_id ${second}`);
  const before = performance.now();
  await client.powerOff(uuid, { graceMs: 120_000 }, call());
  const took = (performance.now() - before) / 1000;
  const state = (await client.getInstanceInfo(uuid, call())).powerState;
  if (state !== "stopped") throw new Error(`after powerOff the instance is ${state}`);
  if (took >= 119) throw new Error("the guest did not shut down by itself within the grace period");
  say(`guest powered off by itself in ${took.toFixed(1)} s`);
} catch (err) {
  failed = true;
  console.error(`boot check FAILED: ${err.message}`);
} finally {
  await client.destroy(uuid, call());
  const left = (await client.listInstances(call())).some((i) => i.uuid === uuid);
  if (left) failed = true;
  say(`destroyed; left behind: ${left ? "the instance" : "nothing"}`);
  await client.close(call());
}
say(
  `events: ${events
    .filter((e) => e.instanceUuid === uuid)
    .map((e) => e.type)
    .join(", ")}`,
);
if (failed) process.exit(1);
console.log(`boot check passed in ${secs()} s`);
