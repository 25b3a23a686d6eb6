import { describe, expect, expectTypeOf, it } from "vitest";
import {
  CAPABILITIES,
  CAPABILITY_NAMES,
  type Capability,
  capabilityTraits,
  impliedCapabilities,
  isCapability,
  type OptionalDriverMethod,
  partitionCapabilities,
  type RequiredDriverMethod,
} from "../src/index.js";

// The members of ComputeDriver in src/driver.ts, written out by hand.
const OPTIONAL_METHODS = [
  "attachBlockDevice",
  "detachBlockDevice",
  "attachInterface",
  "detachInterface",
  "createSnapshot",
  "listSnapshots",
  "revertToSnapshot",
  "deleteSnapshot",
  "getConsoleOutput",
  "resize",
  "migrateLive",
] as const;
const REQUIRED_METHODS = [
  "init",
  "close",
  "getHostResources",
  "listInstances",
  "getInstanceInfo",
  "spawn",
  "destroy",
  "reboot",
  "powerOff",
  "powerOn",
  "pause",
  "unpause",
  "suspend",
  "resume",
] as const;

describe("capabilities", () => {
  it("the hand-written lists are ComputeDriver's optional and required members", () => {
    expectTypeOf<(typeof OPTIONAL_METHODS)[number]>().toEqualTypeOf<OptionalDriverMethod>();
    expectTypeOf<(typeof REQUIRED_METHODS)[number]>().toEqualTypeOf<RequiredDriverMethod>();
    // suspend and resume: required on the interface (1.0 made them so), gated
    // by a capability since 1.1.
    expectTypeOf<(typeof CAPABILITIES)[Capability]["methods"][number]>().toEqualTypeOf<
      OptionalDriverMethod | "suspend" | "resume"
    >();
  });

  it("map every optional method to exactly one capability, and of the required ones only suspend and resume (to suspend)", () => {
    const mapped = CAPABILITY_NAMES.flatMap((c) => [...CAPABILITIES[c].methods]);
    expect([...mapped].sort()).toEqual([...OPTIONAL_METHODS, "suspend", "resume"].sort());
    expect(new Set(mapped).size).toBe(mapped.length);
    for (const m of REQUIRED_METHODS.filter((r) => r !== "suspend" && r !== "resume")) {
      expect(mapped).not.toContain(m);
    }
    expect(CAPABILITIES.suspend.methods).toEqual(["suspend", "resume"]);
  });

  it.each<[string, Capability[]]>([
    ["^1.0.0", ["suspend"]],
    ["~1.0.3", ["suspend"]],
    [">=1.0.0 <3.0.0", ["suspend"]],
    ["1.x", ["suspend"]],
    ["^1.1.0", []],
    [">=1.1.0", []],
    ["^2.0.0", []],
  ])(
    "impliedCapabilities(%j) is %j: a driver that may run on a 1.0 core has suspend",
    (range, implied) => {
      expect(impliedCapabilities(range)).toEqual(implied);
    },
  );

  it.each(CAPABILITY_NAMES)("%s unlocks at least one method and has its own trait", (c) => {
    expect(CAPABILITIES[c].methods.length).toBeGreaterThan(0);
    // os-traits' name where it has one; Placement's CUSTOM_ prefix where not.
    expect(CAPABILITIES[c].trait).toMatch(/^(COMPUTE|CUSTOM_NOVAKIT)_[A-Z_]+$/);
    const others = CAPABILITY_NAMES.filter((o) => o !== c).map((o) => CAPABILITIES[o].trait);
    expect(others).not.toContain(CAPABILITIES[c].trait);
  });

  it.each<[string, boolean]>([
    ["snapshot", true],
    ["live-migration", true],
    ["Snapshot", false],
    ["snapshots", false],
    ["", false],
    ["toString", false],
    ["__proto__", false],
    ["constructor", false],
  ])("isCapability(%j) is %s", (name, known) => {
    expect(isCapability(name)).toBe(known);
  });

  it.each<[string[], Capability[], string[]]>([
    [[], [], []],
    [["snapshot", "warp-drive", "snapshot", "resize"], ["snapshot", "resize"], ["warp-drive"]],
    [["resize", "resize", "resize"], ["resize"], []],
    [
      ["toString", "__proto__", "Snapshot", "console-output"],
      ["console-output"],
      ["toString", "__proto__", "Snapshot"],
    ],
    [[...CAPABILITY_NAMES].reverse(), [...CAPABILITY_NAMES].reverse(), []],
  ])("partitionCapabilities(%j) keeps %j and sets aside %j", (names, known, unknown) => {
    expect(partitionCapabilities(names)).toEqual({ known, unknown });
  });

  it("capabilityTraits gives sorted, distinct traits for every set of capabilities", () => {
    const all = [...CAPABILITY_NAMES];
    for (let mask = 0; mask < 1 << all.length; mask++) {
      const subset = all.filter((_, i) => mask & (1 << i)).reverse();
      const traits = capabilityTraits(subset);
      expect(traits).toEqual([...traits].sort());
      expect(new Set(traits).size).toBe(subset.length);
      expect(traits).toEqual(subset.map((c) => CAPABILITIES[c].trait).sort());
    }
  });

  it("capabilityTraits gives one trait for a capability listed twice", () => {
    expect(capabilityTraits(["snapshot", "resize", "snapshot"])).toEqual(
      [CAPABILITIES.resize.trait, CAPABILITIES.snapshot.trait].sort(),
    );
  });
});
