// The suite's teeth: each deliberately broken variant of the reference
// driver must be refused, for the clause it breaks and no unrelated one;
// the reference driver itself must be certified.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
// The built package, as vendors run it: the suite runs from dist/suite/entry.js.
import { runCertification } from "../dist/index.js";

const variants = fileURLToPath(new URL("./broken-drivers/", import.meta.url));
const reference = fileURLToPath(new URL("../../driver-fake/", import.meta.url));

/**
 * Each variant: the clauses it must fail, others that may fail with them as
 * a consequence, and the config it runs with when it needs one.
 */
const CASES: readonly [
  variant: string,
  mustFail: string[],
  mayAlsoFail: string[],
  config?: object,
][] = [
  ["destroy-not-idempotent", ["C-IDEMP-1", "C-IDEMP-2"], []],
  ["capability-not-honored", ["C-CAP-snapshot"], ["C-INPUT-2"]],
  ["missing-event", ["T-pause-running", "C-EVENT-1"], ["C-EVENT-6"]],
  ["out-of-order-events", ["C-EVENT-1"], ["T-", "C-SPAWN-3", "C-EVENT-6"]],
  [
    "wrong-state-after-reboot",
    ["T-rebootHard-paused", "T-rebootHard-suspended", "T-rebootHard-stopped"],
    [],
  ],
  [
    "leaks-on-destroy",
    ["C-DESTROY-1", "C-CLEAN-1"],
    ["C-HOST-3", "C-IDEMP-1", "C-IDEMP-4", "C-EVENT-1", "C-CONC-2", "C-CONC-5", "C-CRASH-1"],
  ],
  ["duplicate-uuid-accepted", ["C-IDEMP-3"], ["C-CONC-3"]],
  ["mangles-names", ["C-HOSTILE-1"], []],
  ["tidies-names", ["C-HOSTILE-1", "C-HOSTILE-2"], ["C-SPAWN-1", "C-CONC-1", "C-CRASH-1"]],
  ["accepts-bad-input", ["C-INPUT-1"], []],
  ["wrong-host-usage", ["C-HOST-1"], ["C-HOST-3"]],
  ["host-usage-in-kib", ["C-HOST-3"], []],
  ["bundles-driver-api", ["C-PKG-1"], []],
  ["event-before-state", ["C-EVENT-6"], []],
  ["started-after-spawn", ["C-SPAWN-3"], ["T-", "C-EVENT-1", "C-EVENT-6", "C-DESTROY-1"]],
  ["concurrent-destroy-rejects", ["C-CONC-5"], []],
  ["suspend-without-capability", ["C-UNSUP-suspend"], []],
  [
    "crash-leaves-reservations",
    ["C-CRASH-1"],
    [],
    { stateFile: join(mkdtempSync(join(tmpdir(), "nk-crash-variant-")), "state.json") },
  ],
];

const quick = { eventTimeoutMs: 1500, eventSettleMs: 20 };

describe("the conformance suite", () => {
  it("certifies the reference driver", async () => {
    const report = await runCertification({ driver: reference, ...quick });
    expect(report.verdictReasons).toEqual([]);
    expect(report.verdict).toBe("certified");
    expect(report.summary.failed).toBe(0);
  });

  it("certifies the reference driver declaring only some capabilities, and checks the rest answer Unsupported", async () => {
    const report = await runCertification({
      driver: reference,
      config: { capabilities: ["snapshot"] },
      ...quick,
    });
    expect(report.verdict).toBe("certified");
    const state = (clause: string) => report.tests.find((t) => t.clause === clause)?.state;
    expect(state("C-CAP-snapshot")).toBe("passed");
    expect(state("C-UNSUP-resize")).toBe("passed");
    expect(state("C-UNSUP-block-device")).toBe("passed");
    expect(report.capabilities.find((c) => c.name === "resize")?.verdict).toBe("not-claimed");
  });

  it("certifies a 1.1 driver that cannot save memory: no suspend capability, Unsupported from both methods", async () => {
    const report = await runCertification({
      driver: fileURLToPath(new URL("./fixtures/no-memory-save/", import.meta.url)),
      ...quick,
    });
    expect(report.verdictReasons).toEqual([]);
    expect(report.verdict).toBe("certified");
    const state = (clause: string) => report.tests.find((t) => t.clause === clause)?.state;
    expect(state("C-UNSUP-suspend")).toBe("passed");
    expect(state("C-CAP-suspend")).toBe("skipped");
    expect(state("T-suspend-running")).toBe("skipped");
    expect(state("T-powerOn-suspended")).toBe("skipped");
    expect(report.capabilities.find((c) => c.name === "suspend")?.verdict).toBe("not-claimed");
  });

  for (const [variant, mustFail, mayAlsoFail, config] of CASES) {
    it(`refuses ${variant} for ${mustFail.join(", ")}`, async () => {
      const report = await runCertification({
        driver: `${variants}${variant}`,
        ...(config === undefined ? {} : { config }),
        ...quick,
      });
      const failed = new Set(report.tests.filter((t) => t.state === "failed").map((t) => t.clause));
      expect(report.verdict).toBe("not-certified");
      expect([...failed]).toEqual(expect.arrayContaining(mustFail));
      const unrelated = [...failed].filter(
        (c) =>
          !mustFail.includes(c) &&
          !mayAlsoFail.some(
            (allowed) => c === allowed || (allowed.endsWith("-") && c.startsWith(allowed)),
          ),
      );
      expect(unrelated, "clauses failed that this variant does not break").toEqual([]);
    });
  }
});
