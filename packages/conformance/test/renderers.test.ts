// The renderers face hostile text: test names and errors carry the suite's
// hostile strings. Each format must stay well-formed and show them inertly.
import { describe, expect, it } from "vitest";
import { buildReport, type RawResult } from "../src/report/build.js";
import { renderHtml } from "../src/report/html.js";
import { renderJUnit } from "../src/report/junit.js";
import { renderMarkdown } from "../src/report/markdown.js";
import { renderSupportMatrix, renderSupportMatrixJson } from "../src/report/matrix.js";
import { validateReport } from "../src/report/validate.js";

const hostile = `x</name><vcpu>64</vcpu> | *bold* \u0001\u001b[31m "q" & 'a' \ud800 ]]>`;

function report(driverName: string, failHostile: boolean) {
  const results: RawResult[] = [
    {
      name: "C-LOAD-4 init resolves",
      state: "passed",
      durationMs: 1,
      meta: {
        driver: {
          packageName: `@acme/${driverName}`,
          packageVersion: "1.2.3",
          name: driverName,
          contractRange: "^1.0.0",
          hypervisorType: "QEMU",
          hypervisorVersion: "8.2.0",
          capabilities: ["snapshot", "resize"],
        },
      },
    },
    {
      name: `C-HOSTILE-1 a name with ${hostile} round-trips`,
      state: failHostile ? "failed" : "passed",
      durationMs: 2,
      meta: {},
      ...(failHostile ? { error: `expected ${hostile}\nsecond line` } : {}),
    },
    { name: "C-CAP-snapshot snapshots work", state: "passed", durationMs: 3, meta: {} },
    {
      name: "C-CAP-resize resize works",
      state: "failed",
      durationMs: 3,
      meta: {},
      error: "resize did nothing",
    },
    {
      name: "C-UNSUP-console-output unsupported",
      state: "skipped",
      durationMs: 0,
      meta: {},
      skipReason: `skipped because ${hostile}`,
    },
  ];
  return buildReport({
    results,
    specifier: driverName,
    suiteVersion: "1.0.0",
    runId: "r1",
    startedAt: new Date("2026-11-25T00:00:00Z"),
    finishedAt: new Date("2026-11-25T00:00:05Z"),
    interrupted: false,
  });
}

describe("the certification report", () => {
  it("validates against its schema and gives capability verdicts in every state", () => {
    const r = report("acme", true);
    expect(validateReport(r)).toBeUndefined();
    expect(r.verdict).toBe("not-certified");
    const verdicts = Object.fromEntries(r.capabilities.map((c) => [c.name, c.verdict]));
    expect(verdicts).toMatchObject({
      snapshot: "passed",
      resize: "failed",
      "console-output": "not-claimed",
    });
    expect(r.verdictReasons.some((x) => x.startsWith("C-HOSTILE-1 (MUST)"))).toBe(true);
  });
});

describe("renderJUnit", () => {
  it("escapes markup and drops characters XML cannot carry", () => {
    const xml = renderJUnit(report("acme", true));
    expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
    expect(xml).not.toMatch(/[\ud800-\udfff]/);
    expect(xml).not.toContain("<vcpu>");
    expect(xml).toContain("&lt;/name&gt;&lt;vcpu&gt;64");
    expect(xml).toMatch(/<failure message="[^"<]*" type="C-HOSTILE-1 \(MUST\)">/);
    expect(xml.match(/<testcase /g)).toHaveLength(5);
  });
});

describe("renderMarkdown", () => {
  it("keeps hostile text inside its table cell", () => {
    const md = renderMarkdown(report("acme", true));
    const row = md.split("\n").find((l) => l.startsWith("| C-HOSTILE-1 a name"));
    expect(row).toBeDefined();
    // five columns: the hostile "|" is escaped, not a cell boundary
    expect((row ?? "").split(/(?<!\\)\|/).length).toBe(7);
    expect(md).not.toContain("<vcpu>");
    expect(md).not.toContain("\u001b");
  });
});

describe("renderHtml", () => {
  it("is one self-contained page with hostile text inert", () => {
    const page = renderHtml(report("acme", true));
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).not.toMatch(/<script|src="http|href="http/);
    expect(page).not.toContain("<vcpu>");
    expect(page).toContain("&lt;vcpu&gt;");
  });
});

describe("renderSupportMatrix", () => {
  it("sorts drivers, links every cell to its report, and marks each verdict", () => {
    const entries = [
      { report: report("zeta", false), href: "reports/zeta/certification.md" },
      { report: report("alpha", false), href: "reports/alpha/certification.md" },
    ];
    const data = renderSupportMatrixJson(entries);
    expect(data.drivers.map((d) => d.label)).toEqual(["@acme/alpha@1.2.3", "@acme/zeta@1.2.3"]);
    const md = renderSupportMatrix(entries);
    expect(md).toContain("[❌](reports/alpha/certification.md");
    expect(md).toContain("[✅](reports/zeta/certification.md");
    expect(md).toContain("do not edit by hand");
    expect(renderSupportMatrix([...entries].reverse())).toBe(md);
  });
});
