import { describe, expect, it } from "vitest";
import {
  destroyEvent,
  LIFECYCLE_EVENT_TYPES,
  POWER_STATE_AFTER_EVENT,
  POWER_STATES,
  POWER_TRANSITIONS,
  type PowerOperation,
  type PowerState,
  transitionFor,
} from "../src/index.js";

// Written out here, not read from the table, so a missing row is caught.
const OPERATIONS: readonly PowerOperation[] = [
  "powerOff",
  "powerOn",
  "rebootSoft",
  "rebootHard",
  "pause",
  "unpause",
  "suspend",
  "resume",
];
const STATES: readonly PowerState[] = ["running", "paused", "suspended", "stopped", "crashed"];

/** The state each operation aims for. */
const TARGET: Record<PowerOperation, PowerState> = {
  powerOff: "stopped",
  powerOn: "running",
  rebootSoft: "running",
  rebootHard: "running",
  pause: "paused",
  unpause: "running",
  suspend: "suspended",
  resume: "running",
};
const REBOOTS: readonly PowerOperation[] = ["rebootSoft", "rebootHard"];

/** The events that may report arriving in each state. */
const EVENTS_FOR_TARGET: Record<PowerState, readonly string[]> = {
  stopped: ["stopped"],
  paused: ["paused"],
  suspended: ["suspended"],
  running: ["started", "resumed"],
  crashed: ["crashed"],
};

const CELLS = OPERATIONS.flatMap((op) => STATES.map((state) => [op, state] as const));

describe("the power-state table", () => {
  it("has exactly one row per operation and one cell per power state", () => {
    expect(Object.keys(POWER_TRANSITIONS).sort()).toEqual([...OPERATIONS].sort());
    expect([...POWER_STATES].sort()).toEqual([...STATES].sort());
    for (const op of OPERATIONS) {
      expect(Object.keys(POWER_TRANSITIONS[op]).sort()).toEqual([...STATES].sort());
    }
  });

  it.each(CELLS)("%s from %s is a move, a noop or invalid", (op, state) => {
    const t = transitionFor(op, state);
    expect(t).toBe(POWER_TRANSITIONS[op][state]);
    expect(["move", "noop", "invalid"]).toContain(t.kind);
    if (t.kind === "move") {
      expect(STATES).toContain(t.to);
      expect(Object.keys(t).sort()).toEqual(["event", "kind", "to"]);
    } else {
      expect(Object.keys(t)).toEqual(["kind"]);
    }
  });

  it.each(CELLS)("%s from %s moves only towards the operation's target", (op, state) => {
    const t = transitionFor(op, state);
    if (t.kind === "move") expect(t.to).toBe(TARGET[op]);
  });

  it.each(CELLS)(
    "%s from %s is a noop exactly when the target already holds (reboots excepted)",
    (op, state) => {
      const t = transitionFor(op, state);
      const alreadyThere = state === TARGET[op];
      if (REBOOTS.includes(op)) {
        expect(t.kind).not.toBe("noop");
        // A reboot of a running instance moves running -> running, silently.
        if (alreadyThere) expect(t).toEqual({ kind: "move", to: "running", event: null });
      } else {
        expect(t.kind === "noop").toBe(alreadyThere);
      }
    },
  );

  it.each(CELLS)(
    "%s from %s emits an event named for the state reached, iff the state changes",
    (op, state) => {
      const t = transitionFor(op, state);
      if (t.kind !== "move") return;
      if (t.to === state) {
        expect(t.event).toBeNull();
        return;
      }
      expect(t.event).not.toBeNull();
      expect(EVENTS_FOR_TARGET[t.to]).toContain(t.event);
      // And the host, which checks events against POWER_STATE_AFTER_EVENT, accepts it.
      expect(POWER_STATE_AFTER_EVENT[t.event as keyof typeof POWER_STATE_AFTER_EVENT]).toBe(t.to);
    },
  );

  it("reports every event type with the state it names", () => {
    expect(Object.keys(POWER_STATE_AFTER_EVENT).sort()).toEqual([...LIFECYCLE_EVENT_TYPES].sort());
    for (const type of LIFECYCLE_EVENT_TYPES) {
      expect(EVENTS_FOR_TARGET[POWER_STATE_AFTER_EVENT[type]]).toContain(type);
    }
  });

  it("lets a hard reboot recover an instance from any state", () => {
    for (const state of STATES) {
      expect(POWER_TRANSITIONS.rebootHard[state]).toMatchObject({ kind: "move", to: "running" });
    }
  });

  it("lets power-off stop an instance from any state", () => {
    for (const state of STATES) expect(POWER_TRANSITIONS.powerOff[state].kind).not.toBe("invalid");
  });

  it("reports stopped when destroying anything but a stopped instance", () => {
    expect(STATES.map(destroyEvent)).toEqual(
      STATES.map((s) => (s === "stopped" ? null : "stopped")),
    );
  });
});
