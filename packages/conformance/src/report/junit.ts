import { GROUPS } from "../catalog/clauses.js";
import { xml } from "./escape.js";
import type { CertificationReport, TestResult } from "./schema.js";

const seconds = (ms: number) => (ms / 1000).toFixed(3);

function testcase(t: TestResult): string {
  const open = `    <testcase classname="novakit.${xml(t.group)}" name="${xml(t.name)}" time="${seconds(t.durationMs)}"`;
  if (t.state === "passed") return `${open}/>`;
  if (t.state === "skipped")
    return `${open}>\n      <skipped message="${xml(t.skipReason ?? "skipped")}"/>\n    </testcase>`;
  const error = t.error ?? "failed";
  const first = error.split("\n", 1)[0] ?? "";
  const type = `${t.clause} (${t.level})${t.expectedFailure ? " expected" : ""}`;
  return `${open}>\n      <failure message="${xml(first)}" type="${xml(type)}">${xml(error)}</failure>\n    </testcase>`;
}

/**
 * The report as JUnit XML: one test suite per group of the suite, each
 * failure typed with its clause id and level. CI systems (Jenkins, GitLab,
 * GitHub) read it as they read any test run.
 *
 * @public
 */
export function renderJUnit(report: CertificationReport): string {
  const properties: [string, string][] = [
    ["verdict", report.verdict],
    [
      "driver",
      report.driver.packageName
        ? `${report.driver.packageName}@${report.driver.packageVersion}`
        : report.driver.specifier,
    ],
    ["contract", report.contract.version],
    ["suite", `${report.suite.name}@${report.suite.version}`],
    [
      "hypervisor",
      report.hypervisor ? `${report.hypervisor.type} ${report.hypervisor.version}` : "unknown",
    ],
    ["run", report.run.id],
  ];
  const suites = GROUPS.map((group) => report.tests.filter((t) => t.group === group))
    .filter((tests) => tests.length > 0)
    .map((tests) => {
      const group = tests[0]?.group ?? "";
      const failures = tests.filter((t) => t.state === "failed").length;
      const skipped = tests.filter((t) => t.state === "skipped").length;
      const time = seconds(tests.reduce((sum, t) => sum + t.durationMs, 0));
      return [
        `  <testsuite name="${xml(group)}" tests="${tests.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${time}">`,
        "    <properties>",
        ...properties.map(
          ([name, value]) => `      <property name="${xml(name)}" value="${xml(value)}"/>`,
        ),
        "    </properties>",
        ...tests.map(testcase),
        "  </testsuite>",
      ].join("\n");
    });
  const s = report.summary;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="novakit conformance" tests="${s.total}" failures="${s.failed}" errors="0" skipped="${s.skipped}" time="${seconds(report.run.durationMs)}">`,
    ...suites,
    "</testsuites>",
    "",
  ].join("\n");
}
