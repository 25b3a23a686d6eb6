// Runs every benchmark three times, each in a fresh process, and prints
// each figure's spread (min / median / max). Figures, never pass/fail.
//
//   node bench/run-all.mjs            (pnpm --filter @novakit/nova-core bench)
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const dir = fileURLToPath(new URL(".", import.meta.url));
const RUNS = Number(process.env.NOVA_BENCH_RUNS ?? 3);
const suites = [
  [
    "scheduler.mjs",
    ["1000", "1", "5000"],
    ["perSecond", "cpuUsPerPlacement", "conflicts"],
    "placements/s, 1,000 hosts, 1 scheduler",
  ],
  [
    "scheduler.mjs",
    ["1000", "2", "5000"],
    ["perSecond", "cpuUsPerPlacement", "conflicts"],
    "placements/s, 1,000 hosts, 2 schedulers",
  ],
  [
    "scheduler.mjs",
    ["10000", "1", "5000"],
    ["perSecond", "cpuUsPerPlacement", "conflicts"],
    "placements/s, 10,000 hosts, 1 scheduler",
  ],
  [
    "scheduler.mjs",
    ["10000", "2", "5000"],
    ["perSecond", "cpuUsPerPlacement", "conflicts"],
    "placements/s, 10,000 hosts, 2 schedulers",
  ],
  [
    "boots.mjs",
    ["1000", "50"],
    [
      "timeToAllActiveS",
      "bootsPerSecond",
      "bootLatencyMedianMs",
      "bootLatencyP99Ms",
      "deletesPerSecond",
      "coreSecondsPerBootAndDelete",
      "peakRssMiB",
    ],
    "1,000 boots + deletes, 50 fake hosts",
  ],
  ["rpc.mjs", ["20000"], ["sequentialUs", "concurrentPerSecond"], "RPC round trip, in-process bus"],
];
// The many-machines pair, where its servers answer (scripts/postgres/start.sh, scripts/nats/start.sh).
const BOOT_FIELDS = [
  "timeToAllActiveS",
  "bootsPerSecond",
  "bootLatencyMedianMs",
  "bootLatencyP99Ms",
  "deletesPerSecond",
  "coreSecondsPerBootAndDelete",
  "peakRssMiB",
];
if (process.env.NOVA_NATS_URL) {
  suites.push([
    "rpc.mjs",
    ["20000", "nats"],
    ["sequentialUs", "concurrentPerSecond"],
    "RPC round trip, NATS",
  ]);
}
if (process.env.NOVA_PG_URL && process.env.NOVA_NATS_URL) {
  suites.push([
    "scheduler.mjs",
    ["10000", "1", "5000", "postgres", "nats"],
    ["perSecond", "cpuUsPerPlacement"],
    "placements/s, 10,000 hosts, 1 scheduler, PostgreSQL + NATS",
  ]);
  suites.push([
    "scheduler.mjs",
    ["10000", "2", "5000", "postgres", "nats"],
    ["perSecond", "cpuUsPerPlacement"],
    "placements/s, 10,000 hosts, 2 schedulers, PostgreSQL + NATS",
  ]);
  suites.push([
    "boots.mjs",
    ["1000", "50", "postgres", "nats"],
    BOOT_FIELDS,
    "1,000 boots + deletes, 50 fake hosts, PostgreSQL + NATS",
  ]);
}

const fmt = (v) =>
  Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toFixed(4);
// The machine may be shared: its load says how much of a core each run had.
console.log(
  `load average at start: ${(await import("node:os"))
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);
for (const [script, args, fields, title] of suites) {
  const results = [];
  for (let run = 0; run < RUNS; run++) {
    const out = spawnSync(process.execPath, [`${dir}${script}`, ...args], { encoding: "utf8" });
    const line = out.stdout.split("\n").find((l) => l.startsWith("BENCH_JSON "));
    if (out.status !== 0 || !line) {
      console.log(`${title}: run ${run + 1} failed\n${out.stdout}${out.stderr}`);
      continue;
    }
    results.push(JSON.parse(line.slice("BENCH_JSON ".length)));
  }
  console.log(`${title} (${results.length} runs: min / median / max)`);
  for (const field of [fields].flat()) {
    const values = results.map((r) => r[field]).sort((a, b) => a - b);
    if (values.length === 0) continue;
    const median = values[Math.floor(values.length / 2)];
    console.log(
      `  ${field}: ${fmt(values[0])} / ${fmt(median)} / ${fmt(values[values.length - 1])}`,
    );
  }
}
