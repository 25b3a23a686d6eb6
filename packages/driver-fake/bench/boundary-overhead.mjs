// What does the contract's boundary cost? Runs the same spawn/destroy cycle
// on the reference driver (zero simulated latency) two ways, interleaved in
// one process so machine noise hits both alike:
//   raw     - the driver class called directly, as a driver's own unit test would;
//   guarded - the driver loaded with loadDriver() and called through its
//             DriverClient: request validation, deadline, error mapping and
//             answer validation on every call, plus the one-off load cost
//             amortised over the cycles;
//   once    - the same, with the client's request validation off
//             (validateRequests: false), as a core whose API layer already
//             validated the request would run it: each request is then
//             validated once, by the driver.
// Prints per-cycle medians, the overhead, and writes the figures as JSON.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { createDriverHost, loadDriver } from "@novakit/driver-api";
import { FakeDriver } from "../dist/index.js";

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = join(here, "..");
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const CYCLES = Number(process.env.BENCH_CYCLES ?? 4000);

function request(i) {
  const hex = i.toString(16).padStart(12, "0");
  return {
    uuid: `7f3c2a10-0000-4000-8000-${hex}`,
    name: `bench-${i}`,
    flavor: { name: "m1.tiny", vcpus: 1, memoryMiB: 512, rootDiskGiB: 1 },
    image: { id: "cirros" },
    owner: { projectId: "bench", userId: "bench" },
    metadata: { purpose: "benchmark" },
  };
}
const requests = Array.from({ length: CYCLES }, (_, i) => request(i));

async function cyclesRaw(driver, options) {
  const t0 = performance.now();
  for (const r of requests) {
    await driver.spawn(r, options);
    await driver.destroy(r.uuid, options);
  }
  return (performance.now() - t0) / CYCLES;
}

async function cyclesGuarded(client) {
  const t0 = performance.now();
  for (const r of requests) {
    await client.spawn(r);
    await client.destroy(r.uuid);
  }
  return (performance.now() - t0) / CYCLES;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const raw = new FakeDriver({ hostname: "bench-raw" }, createDriverHost());
const rawOptions = { signal: new AbortController().signal, requestId: "bench" };
await raw.init(rawOptions);

const loadStart = performance.now();
const loaded = await loadDriver(packageDir, { hostname: "bench-guarded" });
await loaded.client.init();
const loadMs = performance.now() - loadStart;
const once = await loadDriver(
  packageDir,
  { hostname: "bench-once" },
  { client: { validateRequests: false } },
);
await once.client.init();

// Warm both paths up before measuring.
await cyclesRaw(raw, rawOptions);
await cyclesGuarded(loaded.client);
await cyclesGuarded(once.client);

const rawUs = [];
const guardedUs = [];
const onceUs = [];
process.stderr.write(`bench: ${ROUNDS} rounds of ${CYCLES} spawn/destroy cycles per path\n`);
for (let round = 0; round < ROUNDS; round++) {
  // Alternate which path goes first so neither always runs on a warmer heap.
  if (round % 2 === 0) {
    rawUs.push((await cyclesRaw(raw, rawOptions)) * 1000);
    guardedUs.push((await cyclesGuarded(loaded.client)) * 1000);
    onceUs.push((await cyclesGuarded(once.client)) * 1000);
  } else {
    onceUs.push((await cyclesGuarded(once.client)) * 1000);
    guardedUs.push((await cyclesGuarded(loaded.client)) * 1000);
    rawUs.push((await cyclesRaw(raw, rawOptions)) * 1000);
  }
  process.stderr.write(`  round ${round + 1}/${ROUNDS}\r`);
}
process.stderr.write("\n");

const rawCycleUs = median(rawUs);
const guardedCycleUs = median(guardedUs);
const onceCycleUs = median(onceUs);
const totalCycles = ROUNDS * CYCLES;
const loadPerCycleUs = (loadMs * 1000) / totalCycles;
const overheadPct = ((guardedCycleUs + loadPerCycleUs - rawCycleUs) / rawCycleUs) * 100;

const result = {
  benchmark: "boundary-overhead",
  node: process.version,
  rounds: ROUNDS,
  cyclesPerRound: CYCLES,
  rawCycleUs: +rawCycleUs.toFixed(3),
  guardedCycleUs: +guardedCycleUs.toFixed(3),
  loadMs: +loadMs.toFixed(2),
  loadPerCycleUs: +loadPerCycleUs.toFixed(4),
  ratio: +((guardedCycleUs + loadPerCycleUs) / rawCycleUs).toFixed(4),
  overheadPct: +overheadPct.toFixed(2),
  onceCycleUs: +onceCycleUs.toFixed(3),
  onceOverheadPct: +(((onceCycleUs + loadPerCycleUs - rawCycleUs) / rawCycleUs) * 100).toFixed(2),
  guardNsPerCall: +(((guardedCycleUs - rawCycleUs) * 1000) / 2).toFixed(0),
  targetPct: 2,
};

console.log("| path | spawn+destroy cycle (median µs) |");
console.log("|---|---|");
console.log(`| raw driver | ${result.rawCycleUs} |`);
console.log(
  `| loadDriver + DriverClient (defaults) | ${result.guardedCycleUs} (+ ${result.loadPerCycleUs} load, amortised) |`,
);
console.log(`| loadDriver + DriverClient (validateRequests: false) | ${result.onceCycleUs} |`);
console.log(
  `\nload: ${result.loadMs} ms once; ratio ${result.ratio}; overhead ${result.overheadPct}% with defaults, ${result.onceOverheadPct}% validating once (target < 2%); the boundary costs ~${result.guardNsPerCall} ns a call`,
);

const outDir = join(packageDir, "..", "..", "reports", "bench");
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, "boundary-overhead.json"), `${JSON.stringify(result, null, 2)}\n`);
