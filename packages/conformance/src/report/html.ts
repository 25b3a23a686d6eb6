import { html } from "./escape.js";
import type { CertificationReport } from "./schema.js";
import { CAPABILITY_MARK, reportView } from "./view.js";

// Text symbols rather than emoji: a page archived on a machine without an
// emoji font still shows them.
const VERDICT_SYMBOL = { passed: "✔", failed: "✘", untested: "⚠", "not-claimed": "—" } as const;
const RESULT_SYMBOL = { passed: "✔", failed: "✘", skipped: "↷" } as const;

const STYLE = `
body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:68rem;padding:1rem;color:#1b1f24}
h1{font-size:1.5rem;margin:.2rem 0}h2{margin-top:2rem;border-bottom:1px solid #ddd}
.banner{padding:1rem 1.2rem;border-radius:.5rem;color:#fff}.ok{background:#1a7f37}.bad{background:#cf222e}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #eee;vertical-align:top}
td.num{text-align:right;font-variant-numeric:tabular-nums}code{font-size:.9em}
tr.failed td{background:#fff0f0}tr.skipped td{color:#57606a}
.wrap{overflow-wrap:anywhere}.v-passed{color:#1a7f37}.v-failed{color:#cf222e}.v-untested{color:#9a6700}.v-skipped,.v-not-claimed{color:#57606a}svg text{font:12px system-ui,sans-serif}
@media print{.banner{color:#000;border:2px solid #000}}`;

/** A bar chart of p50, p95 and p99 per operation, inline SVG so the page stays one file. */
function benchmarkChart(report: CertificationReport): string {
  const ops = Object.entries(report.benchmark?.operations ?? {});
  if (ops.length === 0) return "";
  const max = Math.max(...ops.map(([, f]) => f.p99Ms), 0.001);
  const rowHeight = 54;
  const width = 640;
  const left = 110;
  const scale = (ms: number) => Math.max(1, ((width - left - 90) * ms) / max);
  const bars = ops
    .map(([op, f], i) => {
      const y = i * rowHeight + 10;
      const line = (ms: number, dy: number, color: string, label: string) =>
        `<rect x="${left}" y="${y + dy}" width="${scale(ms).toFixed(1)}" height="12" fill="${color}"/><text x="${(left + scale(ms) + 4).toFixed(1)}" y="${y + dy + 10}">${label} ${ms} ms</text>`;
      return `<text x="0" y="${y + 24}">${html(op)}</text>${line(f.p50Ms, 0, "#0969da", "p50")}${line(f.p95Ms, 15, "#8250df", "p95")}${line(f.p99Ms, 30, "#bf3989", "p99")}`;
    })
    .join("");
  return `<svg role="img" aria-label="latency per operation" viewBox="0 0 ${width} ${ops.length * rowHeight + 10}" width="100%">${bars}</svg>`;
}

/**
 * The report for people as one static HTML page, with no scripts and no
 * external resources, to archive or attach.
 *
 * @public
 */
export function renderHtml(report: CertificationReport): string {
  const view = reportView(report);
  const rows = (cells: string[][]) =>
    cells.map((c) => `<tr>${c.map((x) => `<td>${x}</td>`).join("")}</tr>`).join("\n");
  const parts: string[] = [];
  parts.push(
    `<div class="banner ${view.certified ? "ok" : "bad"}"><h1 class="wrap">${view.certified ? "✔" : "✘"} ${html(view.title)}</h1>`,
    view.reasons.length > 0
      ? `<ul>${view.reasons.map((r) => `<li class="wrap">${html(r)}</li>`).join("")}</ul>`
      : "",
    "</div>",
    `<table>${rows(view.facts.map(([k, v]) => [`<strong>${html(k)}</strong>`, `<span class="wrap">${html(v)}</span>`]))}</table>`,
    `<p>${html(view.summary)}</p>`,
    "<h2>Capabilities</h2>",
    "<table><tr><th>capability</th><th>scheduler trait</th><th>verdict</th></tr>",
    rows(
      report.capabilities.map((c) => [
        html(c.name),
        `<code>${html(c.trait)}</code>`,
        `<span class="v-${c.verdict}">${VERDICT_SYMBOL[c.verdict]}</span> ${CAPABILITY_MARK[c.verdict].words}`,
      ]),
    ),
    "</table>",
  );
  if (view.failures.length > 0) {
    parts.push(
      "<h2>Failures</h2><ul>",
      ...view.failures.map(
        (f) =>
          `<li class="wrap"><strong>${html(f.heading)}</strong>${f.expected ? " (expected)" : ""} ${html(f.clauseText)}<br><em>${html(f.test)}</em>: <code>${html(f.error)}</code></li>`,
      ),
      "</ul>",
    );
  }
  if (report.benchmark) {
    parts.push(
      `<h2>Benchmark (${report.benchmark.iterations} iterations)</h2>`,
      benchmarkChart(report),
      "<table><tr><th>operation</th><th>samples</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th><th>mean ms</th><th>ops/s</th></tr>",
      ...Object.entries(report.benchmark.operations).map(
        ([op, f]) =>
          `<tr><td>${html(op)}</td>${[f.samples, f.p50Ms, f.p95Ms, f.p99Ms, f.meanMs, f.opsPerSecond].map((n) => `<td class="num">${n}</td>`).join("")}</tr>`,
      ),
      "</table>",
    );
  }
  parts.push("<h2>Results</h2>");
  for (const { group, tests } of view.groups) {
    parts.push(
      `<h3>${html(group)}</h3><table><tr><th>test</th><th>level</th><th>result</th><th>ms</th><th>note</th></tr>`,
      ...tests.map((t) => {
        const note =
          t.state === "skipped"
            ? (t.skipReason ?? "")
            : t.state === "failed"
              ? (t.error ?? "")
              : "";
        return `<tr class="${t.state}"><td class="wrap">${html(t.name)}</td><td>${t.level}</td><td><span class="v-${t.state}">${RESULT_SYMBOL[t.state]}</span> ${t.state}</td><td class="num">${t.durationMs.toFixed(1)}</td><td class="wrap">${html(note)}</td></tr>`;
      }),
      "</table>",
    );
  }
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${html(view.title)}</title>
<style>${STYLE}</style>
</head>
<body>
${parts.join("\n")}
</body>
</html>
`;
}
