// How long does certification take, and what does the suite itself cost?
// Runs the whole suite against the reference driver with zero simulated
// latency, several times, and prints the wall time of each run and the
// suite's own time per driver call (wall time in the suite minus the time
// inside driver calls and the deliberate waits for lifecycle events).
import { mkdirSync, writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { runCertification } from "../dist/index.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const driver = fileURLToPath(new URL("../../driver-fake/", import.meta.url));
const rows = [];
for (let i = 0; i < RUNS; i++) {
  process.stderr.write(`suite run ${i + 1}/${RUNS}...\n`);
  const start = performance.now();
  const report = await runCertification({ driver });
  const wallMs = performance.now() - start;
  if (report.verdict !== "certified")
    throw new Error(`reference driver not certified: ${report.verdictReasons.join("; ")}`);
  rows.push({ wallMs: Math.round(wallMs), ...report.stats, tests: report.summary.total });
}

console.log(
  "| run | wall time (s) | tests | driver calls | in driver (ms) | event waits (ms) | suite overhead per call (ms) |",
);
console.log("|---|---|---|---|---|---|---|");
for (const [i, r] of rows.entries()) {
  console.log(
    `| ${i + 1} | ${(r.wallMs / 1000).toFixed(2)} | ${r.tests} | ${r.driverCalls} | ${r.driverMs} | ${r.eventWaitMs} | ${r.suiteOverheadMsPerCall} |`,
  );
}
const worstWall = Math.max(...rows.map((r) => r.wallMs)) / 1000;
const worstOverhead = Math.max(...rows.map((r) => r.suiteOverheadMsPerCall));
console.log(
  `\nslowest run ${worstWall.toFixed(2)} s (target < 15 s); worst suite overhead ${worstOverhead} ms per driver call (target < 1 ms)`,
);
const out = new URL("../../../reports/bench/", import.meta.url);
mkdirSync(out, { recursive: true });
writeFileSync(
  new URL("suite-overhead.json", out),
  `${JSON.stringify({ runs: rows, worstWall, worstOverhead }, null, 2)}\n`,
);
