import { md } from "./escape.js";
import type { CertificationReport } from "./schema.js";
import { CAPABILITY_MARK, RESULT_MARK, reportView } from "./view.js";

/**
 * The report for people, in Markdown: the verdict and why, the facts of the
 * run, each capability's verdict, the failures, every test by group, and
 * the benchmark figures when measured.
 *
 * @public
 */
export function renderMarkdown(report: CertificationReport): string {
  const view = reportView(report);
  const out: string[] = [];
  out.push(`# ${view.certified ? "✅" : "❌"} ${md(view.title)}`, "");
  for (const reason of view.reasons) out.push(`- ${md(reason)}`);
  if (view.reasons.length > 0) out.push("");
  out.push("| | |", "|---|---|", ...view.facts.map(([k, v]) => `| ${k} | ${md(v)} |`), "");
  out.push(view.summary, "");

  out.push("## Capabilities", "", "| capability | scheduler trait | verdict |", "|---|---|---|");
  for (const c of report.capabilities) {
    const mark = CAPABILITY_MARK[c.verdict];
    out.push(`| ${md(c.name)} | \`${c.trait}\` | ${mark.symbol} ${mark.words} |`);
  }
  out.push("");

  if (view.failures.length > 0) {
    out.push("## Failures", "");
    for (const f of view.failures) {
      out.push(`- **${md(f.heading)}**${f.expected ? " (expected)" : ""} ${md(f.clauseText)}  `);
      out.push(`  ${md(f.test)}: ${md(f.error)}`);
    }
    out.push("");
  }

  if (report.benchmark) {
    out.push(
      `## Benchmark (${report.benchmark.iterations} iterations)`,
      "",
      "| operation | samples | p50 ms | p95 ms | p99 ms | mean ms | ops/s |",
      "|---|---|---|---|---|---|---|",
    );
    for (const [op, f] of Object.entries(report.benchmark.operations)) {
      out.push(
        `| ${md(op)} | ${f.samples} | ${f.p50Ms} | ${f.p95Ms} | ${f.p99Ms} | ${f.meanMs} | ${f.opsPerSecond} |`,
      );
    }
    out.push("");
  }

  out.push("## Results", "");
  for (const { group, tests } of view.groups) {
    out.push(
      `### ${md(group)}`,
      "",
      "| test | level | result | ms | note |",
      "|---|---|---|---|---|",
    );
    for (const t of tests) {
      const note =
        t.state === "skipped"
          ? (t.skipReason ?? "")
          : t.state === "failed"
            ? (t.error ?? "").split("\n", 1)[0]
            : "";
      out.push(
        `| ${md(t.name)} | ${t.level} | ${RESULT_MARK[t.state]} ${t.state} | ${t.durationMs.toFixed(1)} | ${md(note ?? "")} |`,
      );
    }
    out.push("");
  }
  return `${out.join("\n")}\n`;
}
