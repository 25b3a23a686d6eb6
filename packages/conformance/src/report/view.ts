import { clause, GROUPS } from "../catalog/clauses.js";
import type { CapabilityVerdict, CertificationReport, TestResult } from "./schema.js";

// What the Markdown and HTML reports show, computed once so the two cannot
// disagree; each renderer only lays it out and escapes it.

export const CAPABILITY_MARK: Record<
  CapabilityVerdict["verdict"],
  { symbol: string; words: string }
> = {
  passed: { symbol: "✅", words: "passed" },
  failed: { symbol: "❌", words: "failed" },
  untested: { symbol: "⚠️", words: "claimed, not exercised" },
  "not-claimed": { symbol: "—", words: "not claimed" },
};

export const RESULT_MARK: Record<TestResult["state"], string> = {
  passed: "✅",
  failed: "❌",
  skipped: "⏭️",
};

export interface ReportView {
  readonly title: string;
  readonly certified: boolean;
  readonly reasons: readonly string[];
  readonly facts: readonly [string, string][];
  readonly summary: string;
  readonly failures: readonly {
    heading: string;
    clauseText: string;
    test: string;
    error: string;
    expected: boolean;
  }[];
  readonly groups: readonly { group: string; tests: readonly TestResult[] }[];
}

export function driverLabel(report: CertificationReport): string {
  return report.driver.packageName
    ? `${report.driver.packageName}@${report.driver.packageVersion}`
    : report.driver.specifier;
}

export function reportView(report: CertificationReport): ReportView {
  const s = report.summary;
  const env = report.environment;
  const facts: [string, string][] = [
    [
      "Driver",
      `${driverLabel(report)}${report.driver.name ? ` (driver "${report.driver.name}")` : ""}`,
    ],
    [
      "Contract",
      `${report.contract.version}; the driver implements ${report.driver.contractRange ?? "?"}`,
    ],
    ["Suite", `${report.suite.name}@${report.suite.version}`],
    [
      "Hypervisor",
      report.hypervisor
        ? `${report.hypervisor.type} ${report.hypervisor.version}${report.hypervisor.hostname ? ` on ${report.hypervisor.hostname}` : ""}`
        : "unknown",
    ],
    [
      "Environment",
      `Node ${env.node}, ${env.platform}/${env.arch} ${env.osRelease}, ${env.cpus} CPUs, ${env.memoryMiB} MiB`,
    ],
    [
      "Run",
      `${report.run.id}, ${report.run.startedAt}, ${(report.run.durationMs / 1000).toFixed(1)} s${report.run.interrupted ? ", interrupted" : ""}`,
    ],
  ];
  if (report.stats) {
    facts.push([
      "Suite cost",
      `${report.stats.driverCalls} driver calls; ${report.stats.suiteOverheadMsPerCall} ms of the suite's own time per call`,
    ]);
  }
  return {
    title: `${driverLabel(report)}: ${report.verdict === "certified" ? "certified" : "not certified"}`,
    certified: report.verdict === "certified",
    reasons: report.verdictReasons,
    facts,
    summary: `${s.total} tests: ${s.passed} passed, ${s.failed} failed (${s.mustFailed} MUST, ${s.shouldFailed} SHOULD), ${s.skipped} skipped${s.expectedFailures > 0 ? `, ${s.expectedFailures} failures expected` : ""}.`,
    failures: report.tests
      .filter((t) => t.state === "failed")
      .map((t) => ({
        heading: `${t.clause} (${t.level})`,
        clauseText: clause(t.clause).text,
        test: t.name,
        error: (t.error ?? "failed").split("\n", 1)[0] ?? "",
        expected: t.expectedFailure === true,
      })),
    groups: GROUPS.map((group) => ({
      group,
      tests: report.tests.filter((t) => t.group === group),
    })).filter((g) => g.tests.length > 0),
  };
}
