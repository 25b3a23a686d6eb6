// The support matrix keys each column's cells by its id: two reports of one
// driver on one hypervisor type (a simulator and the real thing) must get
// columns of their own, not share one.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { renderSupportMatrixJson } from "../src/report/matrix.js";
import type { CertificationReport } from "../src/report/schema.js";

const report = JSON.parse(
  readFileSync(
    fileURLToPath(new URL("../../../docs/reports/driver-fake/certification.json", import.meta.url)),
    "utf8",
  ),
) as CertificationReport;

function onHost(hostname: string, verdict: CertificationReport["verdict"]): CertificationReport {
  return {
    ...report,
    verdict,
    hypervisor: {
      ...(report.hypervisor ?? { type: "fake", version: "1", cpuModel: "c" }),
      hostname,
    } as CertificationReport["hypervisor"],
  };
}

describe("the support matrix", () => {
  it("gives two reports of one driver and hypervisor type a column each, told apart by host", () => {
    const matrix = renderSupportMatrixJson([
      { report: onHost("sim", "certified"), href: "sim.md" },
      { report: onHost("real", "not-certified"), href: "real.md" },
    ]);
    expect(matrix.drivers.map((d) => d.id).sort()).toEqual([
      "fake on fake at real",
      "fake on fake at sim",
    ]);
    expect(matrix.drivers.map((d) => d.verdict).sort()).toEqual(["certified", "not-certified"]);
    for (const row of matrix.rows) expect(Object.keys(row.cells)).toHaveLength(2);
  });

  it("keeps a lone report's column id as it was", () => {
    const matrix = renderSupportMatrixJson([{ report: onHost("h", "certified"), href: "a.md" }]);
    expect(matrix.drivers.map((d) => d.id)).toEqual(["fake on fake"]);
  });
});
