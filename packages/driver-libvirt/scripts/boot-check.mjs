// Proves a real guest runs under driver-libvirt on QEMU (TCG): spawn it and
// wait for its marker on the serial console, hard-reboot it and wait for
// the marker again, power it off and see it stopped, then destroy it.
// Prints each step's time; exits 1 when a step fails.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadDriver } from "@novakit/driver-api";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const configPath = process.argv[2] ?? `${root}packages/driver-libvirt/certify/qemu-tcg.json`;
const config = JSON.parse(readFileSync(configPath, "utf8"));
const MARKER = "NOVAKIT-GUEST-BOOTED";

const loaded = await loadDriver(`${root}packages/driver-libvirt`, config);
const client = loaded.client;
await client.init();
const uuid = randomUUID();
const t0 = performance.now();
const step = (what) =>
  console.log(`${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s  ${what}`);

async function markers(timeoutMs, count) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { data } = await client.getConsoleOutput(uuid);
    if (data.split(MARKER).length - 1 >= count) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `the guest did not print ${MARKER} ${count} time(s) within ${timeoutMs / 1000} s`,
  );
}

let failed = false;
try {
  await client.spawn({
    uuid,
    name: "novakit boot check",
    flavor: { name: "tiny", vcpus: 1, memoryMiB: 128, rootDiskGiB: 0 },
    image: { id: "novakit-guest" },
    owner: { projectId: "novakit", userId: "novakit" },
    metadata: { purpose: "boot-check" },
  });
  step("spawned");
  await markers(120_000, 1);
  step("guest booted to init (marker on the console)");
  await client.reboot(uuid, { type: "hard" });
  await markers(120_000, 2);
  step("hard reboot: booted again (second marker)");
  await client.powerOff(uuid, { graceMs: 0 });
  const info = await client.getInstanceInfo(uuid);
  if (info.powerState !== "stopped")
    throw new Error(`after power-off the instance is ${info.powerState}`);
  step("powered off: stopped");
} catch (err) {
  failed = true;
  console.error(`boot check failed: ${err.message}`);
} finally {
  await client.destroy(uuid).catch(() => {});
  await client.close();
}
step(failed ? "FAILED" : "boot check passed");
process.exitCode = failed ? 1 : 0;
