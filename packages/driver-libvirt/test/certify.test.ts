// driver-libvirt certified on libvirt's test driver, in process, as CI runs
// it on every build. Skipped, with the reason, where the binding could not
// be built (no libvirt development files on the machine).
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runCertification } from "@novakit/conformance";
import { unavailableReason } from "@novakit/node-libvirt";
import { describe, expect, it } from "vitest";

const driver = fileURLToPath(new URL("../", import.meta.url));

describe.skipIf(unavailableReason !== undefined)("driver-libvirt on test:///default", () => {
  it("is certified by the conformance suite", async () => {
    const report = await runCertification({
      driver,
      config: { uri: "test:///default" },
      eventSettleMs: 20,
    });
    expect(report.verdictReasons).toEqual([]);
    expect(report.verdict).toBe("certified");
    expect(report.hypervisor?.type).toBe("TEST");
    const claimed = report.capabilities
      .filter((c) => c.verdict !== "not-claimed")
      .map((c) => c.name);
    expect(claimed.sort()).toEqual(["resize", "snapshot", "suspend"]); // suspend: implied by its ^1.0.0 range
  });
});

/** Whether libvirtd answers on its socket: started by ./dev test where the machine allows. */
function libvirtdAnswers(): boolean {
  try {
    execFileSync("virsh", ["-c", "test+unix:///default", "version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

// Through libvirtd, domains and volumes outlive the driver's process, so the
// crash clause (C-CRASH-1) has something to find; root disks in the test
// driver's pool, over an image in a directory of the test's own.
describe.skipIf(unavailableReason !== undefined || !libvirtdAnswers())(
  "driver-libvirt on test+unix:///default, through libvirtd",
  () => {
    it("is certified by the conformance suite, root disks and the crash clause included", async () => {
      const imageDir = mkdtempSync(join(tmpdir(), "nk-certify-images-"));
      writeFileSync(join(imageDir, "novakit-conformance-image"), Buffer.alloc(1024 * 1024));
      const report = await runCertification({
        driver,
        config: { uri: "test+unix:///default", storagePool: "default-pool", imageDir },
        eventSettleMs: 20,
      });
      expect(report.verdictReasons).toEqual([]);
      expect(report.verdict).toBe("certified");
      const crash = report.tests.find((t) => t.clause === "C-CRASH-1");
      expect(crash?.state).toBe("passed");
    }, 300_000);
  },
);

describe.skipIf(unavailableReason === undefined)("driver-libvirt without libvirt", () => {
  it(`is skipped: ${unavailableReason ?? "n/a"}`, () => {
    expect(unavailableReason).toBeDefined();
  });
});
