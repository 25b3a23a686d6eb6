// Figures for driver-xen (printed, never asserted): spawn/destroy cycles per
// second and per-operation latency, and the cost of event detection (CPU
// per second of watching, including the xl processes it runs; the delay
// from a change made behind the driver's back to its event).
//
//   node packages/driver-xen/scripts/bench.mjs [--runs 3] [--cycles 20] [--config FILE]
//
// Without --config it runs on a fresh xl-sim host per run; with one (such as
// certify/xen-qemu.json) on that host, where changes behind the driver's
// back are made with `xl pause` through the same ssh transport.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { loadDriver } from "@novakit/driver-api";

const driverDir = fileURLToPath(new URL("../", import.meta.url));
const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "3" },
    cycles: { type: "string", default: "20" },
    config: { type: "string" },
    watch: { type: "string", default: "5" },
  },
});
const runs = Number(values.runs);
const cycles = Number(values.cycles);

function simConfig() {
  const dir = mkdtempSync(join(tmpdir(), "nk-xen-bench-"));
  const xlCommand = [
    process.execPath,
    join(driverDir, "bin", "xl-sim.mjs"),
    "--state",
    join(dir, "host"),
  ];
  return {
    transport: { type: "local" },
    xlCommand,
    stateDir: join(dir, "state"),
    kernel: "/var/lib/novakit/guest/vmlinuz",
    consoleLogDir: join(dir, "host", "console"),
    pollIntervalMs: 1000,
    eventQuietMs: 100,
  };
}

/** CPU seconds of this process and of the children it has reaped (the xl processes). */
function cpuSeconds() {
  const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
  const ticks = [11, 12, 13, 14].reduce((s, i) => s + Number(fields[i]), 0); // utime stime cutime cstime
  return ticks / 100;
}

const request = (uuid) => ({
  uuid,
  name: "bench",
  flavor: { name: "tiny", vcpus: 1, memoryMiB: 128, rootDiskGiB: 0 },
  image: { id: "bench" },
  owner: { projectId: "bench", userId: "bench" },
  metadata: {},
});
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (xs) =>
  `${median(xs).toFixed(0)} ms (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)})`;

async function oneRun() {
  const config = values.config ? JSON.parse(readFileSync(values.config, "utf8")) : simConfig();
  const events = [];
  let wake = () => {};
  const { client, driver } = await loadDriver(driverDir, config, {
    onEvent: (e) => {
      events.push(e);
      wake();
    },
  });
  const call = () => ({ timeoutMs: 600_000, requestId: "bench" });
  await client.init(call());
  const lat = { spawn: [], destroy: [], pause: [], unpause: [], getInstanceInfo: [] };
  const time = async (op, work) => {
    const t0 = performance.now();
    await work();
    lat[op].push(performance.now() - t0);
  };
  const t0 = performance.now();
  for (let i = 0; i < cycles; i += 1) {
    const uuid = crypto.randomUUID();
    await time("spawn", () => client.spawn(request(uuid), call()));
    await time("getInstanceInfo", () => client.getInstanceInfo(uuid, call()));
    await time("pause", () => client.pause(uuid, call()));
    await time("unpause", () => client.unpause(uuid, call()));
    await time("destroy", () => client.destroy(uuid, call()));
  }
  const cycleSeconds = (performance.now() - t0) / 1000;
  // Event detection: one instance, watched idle; then changes behind the back.
  const uuid = crypto.randomUUID();
  await client.spawn(request(uuid), call());
  await new Promise((r) => setTimeout(r, 1500));
  const cpu0 = cpuSeconds();
  const w0 = performance.now();
  const polls0 = driver.polls ?? 0;
  await new Promise((r) => setTimeout(r, Number(values.watch) * 1000));
  const watchS = (performance.now() - w0) / 1000;
  const cpuPerS = (cpuSeconds() - cpu0) / watchS;
  const polls = (driver.polls ?? 0) - polls0;
  const delays = [];
  for (let i = 0; i < 3; i += 1) {
    const mark = events.length;
    const t = performance.now();
    if (values.config) {
      // The same kind of change through xl itself, not through the driver.
      execFileSync("bash", [
        join(driverDir, "../../scripts/xen/qemu.sh"),
        "ssh",
        "xl",
        "pause",
        `nk-${uuid}`,
      ]);
    } else {
      execFileSync(config.xlCommand[0], [...config.xlCommand.slice(1), "pause", `nk-${uuid}`]);
    }
    await new Promise((resolve) => {
      wake = () =>
        events.slice(mark).some((e) => e.instanceUuid === uuid && e.type === "paused") && resolve();
    });
    delays.push(performance.now() - t);
    await client.unpause(uuid, call());
    await new Promise((r) => setTimeout(r, 300));
  }
  await client.destroy(uuid, call());
  await client.close(call());
  return { cyclesPerS: cycles / cycleSeconds, lat, cpuPerS, polls, watchS, delays };
}

const results = [];
for (let r = 1; r <= runs; r += 1) {
  const res = await oneRun();
  results.push(res);
  console.log(
    `run ${r}: ${res.cyclesPerS.toFixed(2)} cycles/s (spawn, info, pause, unpause, destroy); ` +
      Object.entries(res.lat)
        .map(([op, xs]) => `${op} ${median(xs).toFixed(0)} ms`)
        .join(", "),
  );
  console.log(
    `       watching: ${(res.cpuPerS * 1000).toFixed(1)} ms CPU per s (${res.polls} polls in ${res.watchS.toFixed(1)} s); ` +
      `change behind the back -> event: ${res.delays.map((d) => d.toFixed(0)).join(", ")} ms`,
  );
}
const spread = (xs, f = (x) => x.toFixed(2)) =>
  `${f(median(xs))} (min ${f(Math.min(...xs))}, max ${f(Math.max(...xs))})`;
console.log(`\n${values.config ? values.config : "xl-sim"}: ${runs} runs of ${cycles} cycles`);
console.log(`  cycles/s                 ${spread(results.map((r) => r.cyclesPerS))}`);
for (const op of Object.keys(results[0].lat)) {
  console.log(`  ${op.padEnd(24)} ${ms(results.flatMap((r) => r.lat[op]))}`);
}
console.log(
  `  CPU per s of watching    ${spread(
    results.map((r) => r.cpuPerS * 1000),
    (x) => `${x.toFixed(1)} ms`,
  )}`,
);
console.log(`  change -> event          ${ms(results.flatMap((r) => r.delays))}`);
