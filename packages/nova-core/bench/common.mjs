// Shared by the benchmark scripts: figures, not assertions. Each script
// prints its figures for people and, last, one JSON line for run-all.mjs.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A SQLite file in WAL mode in a fresh temporary directory, and how to remove it. */
export function tempDatabase() {
  const dir = mkdtempSync(join(tmpdir(), "nova-bench-"));
  return {
    config: { engine: "sqlite", path: join(dir, "nova.db") },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

/** CPU seconds this process used since `start` (from process.cpuUsage). */
export function cpuSecondsSince(start) {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1e6;
}

export function peakRssMiB() {
  return process.resourceUsage().maxRSS / 1024;
}

/** Runs `work(i)` for i in [0, n) with at most `window` in flight. */
export async function windowed(n, window, work) {
  let next = 0;
  const runners = Array.from({ length: Math.min(window, n) }, async () => {
    while (next < n) {
      const i = next++;
      await work(i);
    }
  });
  await Promise.all(runners);
}

export function emit(result) {
  console.log(`BENCH_JSON ${JSON.stringify(result)}`);
}
