import { describe, expect, it } from "vitest";
import {
  CAPABILITIES,
  CAPABILITY_NAMES,
  capabilityTraits,
  destroyEvent,
  POWER_STATES,
  POWER_TRANSITIONS,
  type PowerOperation,
  partitionCapabilities,
} from "../src/index.js";

const operations = Object.keys(POWER_TRANSITIONS) as PowerOperation[];
const EVENT_FOR_TARGET = {
  stopped: ["stopped"],
  paused: ["paused"],
  suspended: ["suspended"],
  running: ["started", "resumed"],
};

describe("the power-state table", () => {
  it("has a transition for every operation from every state", () => {
    for (const op of operations)
      for (const state of POWER_STATES) expect(POWER_TRANSITIONS[op][state]).toBeDefined();
  });

  it("makes an operation whose target state already holds a no-op, except the reboots", () => {
    for (const op of operations) {
      for (const state of POWER_STATES) {
        const t = POWER_TRANSITIONS[op][state];
        if (t.kind === "move" && t.to === state) expect(op).toMatch(/^reboot/);
      }
    }
  });

  it("emits, for every change of state, the event named for the state it reaches", () => {
    for (const op of operations) {
      for (const state of POWER_STATES) {
        const t = POWER_TRANSITIONS[op][state];
        if (t.kind !== "move" || t.to === state) continue;
        expect(EVENT_FOR_TARGET[t.to as keyof typeof EVENT_FOR_TARGET]).toContain(t.event);
      }
    }
  });

  it("lets a hard reboot recover an instance from any state", () => {
    for (const state of POWER_STATES)
      expect(POWER_TRANSITIONS.rebootHard[state]).toMatchObject({ kind: "move", to: "running" });
  });

  it("reports stopped when destroying anything but a stopped instance", () => {
    expect(POWER_STATES.map(destroyEvent)).toEqual(
      POWER_STATES.map((s) => (s === "stopped" ? null : "stopped")),
    );
  });
});

describe("capabilities", () => {
  const optionalMethods = [
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
  ];

  it("map every optional method to exactly one capability", () => {
    const mapped = CAPABILITY_NAMES.flatMap((c) => [...CAPABILITIES[c].methods]);
    expect(mapped.sort()).toEqual([...optionalMethods].sort());
  });

  it("split declared names into known and unknown, without duplicates", () => {
    expect(partitionCapabilities(["snapshot", "warp-drive", "snapshot", "resize"])).toEqual({
      known: ["snapshot", "resize"],
      unknown: ["warp-drive"],
    });
  });

  it("map to sorted, distinct scheduler traits", () => {
    const traits = capabilityTraits([...CAPABILITY_NAMES]);
    expect(traits).toEqual([...traits].sort());
    expect(new Set(traits).size).toBe(traits.length);
    expect(traits.every((t) => t.startsWith("COMPUTE_"))).toBe(true);
  });
});
