// driver-xen certified on xl-sim, as CI runs it on every build: the whole
// suite, the crash clause (C-CRASH-1, the driver in a child process killed
// mid-spawn) included, through the package as the core would load it.
import { runCertification } from "@novakit/conformance";
import { describe, expect, it } from "vitest";
import { packageDir, simulatedHost } from "./sim.js";

describe("driver-xen on xl-sim", () => {
  it("is certified by the conformance suite", async () => {
    const { config } = simulatedHost();
    const report = await runCertification({
      driver: packageDir,
      config,
      eventSettleMs: 50,
      powerOffGraceMs: 1000,
      concurrency: 4,
    });
    const failed = report.tests.filter((t) => t.state === "failed");
    expect(failed.map((t) => `${t.name}: ${t.error ?? ""}`)).toEqual([]);
    expect(report.verdictReasons).toEqual([]);
    expect(report.verdict).toBe("certified");
    expect(report.hypervisor?.type).toBe("Xen");
    const claimed = report.capabilities
      .filter((c) => c.verdict !== "not-claimed")
      .map((c) => c.name);
    expect(claimed.sort()).toEqual(["console-output", "resize", "suspend"]); // suspend: xl save/restore, implied by ^1.0.0
    expect(report.tests.find((t) => t.clause === "C-CRASH-1")?.state).toBe("passed");
  }, 600_000);
});
