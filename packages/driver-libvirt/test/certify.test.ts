// driver-libvirt certified on libvirt's test driver, in process, as CI runs
// it on every build. Skipped, with the reason, where the binding could not
// be built (no libvirt development files on the machine).
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
    expect(claimed.sort()).toEqual(["resize", "snapshot"]);
  });
});

describe.skipIf(unavailableReason === undefined)("driver-libvirt without libvirt", () => {
  it(`is skipped: ${unavailableReason ?? "n/a"}`, () => {
    expect(unavailableReason).toBeDefined();
  });
});
