import type { CertificationReport } from "../report/schema.js";

const MARK = {
  passed: "passed",
  failed: "FAILED",
  untested: "claimed, untested",
  "not-claimed": "not claimed",
} as const;

/** The few lines a person reads at the end of a run; the reports hold the rest. */
export function renderSummary(report: CertificationReport, files: readonly string[]): string {
  const lines: string[] = [];
  const driver = report.driver.packageName
    ? `${report.driver.packageName}@${report.driver.packageVersion}`
    : report.driver.specifier;
  const hv = report.hypervisor
    ? `${report.hypervisor.type} ${report.hypervisor.version}`
    : "unknown hypervisor";
  lines.push("");
  lines.push(
    `${report.verdict === "certified" ? "CERTIFIED" : "NOT CERTIFIED"}: ${driver} on ${hv}, contract ${report.contract.version}`,
  );
  for (const reason of report.verdictReasons) lines.push(`  - ${reason}`);
  const s = report.summary;
  lines.push(
    `${s.total} tests: ${s.passed} passed, ${s.failed} failed (${s.mustFailed} MUST, ${s.shouldFailed} SHOULD), ${s.skipped} skipped; ${(report.run.durationMs / 1000).toFixed(1)} s`,
  );
  if (s.expectedFailures > 0)
    lines.push(
      `${s.expectedFailures} failures were expected (listed in the expected-failures file)`,
    );
  if (s.unexpectedPasses.length > 0)
    lines.push(`now passing, remove from expected failures: ${s.unexpectedPasses.join(", ")}`);
  lines.push("capabilities:");
  for (const c of report.capabilities) lines.push(`  ${c.name.padEnd(18)} ${MARK[c.verdict]}`);
  if (report.benchmark) {
    lines.push(`benchmark (${report.benchmark.iterations} iterations):`);
    for (const [op, f] of Object.entries(report.benchmark.operations)) {
      lines.push(
        `  ${op.padEnd(12)} p50 ${f.p50Ms} ms  p95 ${f.p95Ms} ms  p99 ${f.p99Ms} ms  ${f.opsPerSecond} ops/s`,
      );
    }
  }
  if (files.length > 0) lines.push("reports:", ...files.map((f) => `  ${f}`));
  return `${lines.join("\n")}\n`;
}
