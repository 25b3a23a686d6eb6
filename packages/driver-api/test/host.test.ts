import { describe, expect, it } from "vitest";
import { createDriverHost, type LifecycleEvent } from "../src/index.js";

const event = (
  type: LifecycleEvent["type"],
  powerState: LifecycleEvent["powerState"],
): LifecycleEvent => ({
  type,
  instanceUuid: "7a0c3f0e-4d8b-4c1a-9e2f-3b4c5d6e7f80",
  powerState,
  occurredAt: new Date().toISOString(),
});

describe("createDriverHost", () => {
  it("delivers valid events in order and diverts invalid ones with the reason", () => {
    const seen: string[] = [];
    const invalid: string[] = [];
    const host = createDriverHost({
      onEvent: (e) => seen.push(e.type),
      onInvalidEvent: (_v, reason) => invalid.push(reason),
    });
    host.emitEvent(event("started", "running"));
    host.emitEvent({ ...event("paused", "paused"), instanceUuid: "not-a-uuid" });
    host.emitEvent(event("paused", "paused"));
    expect(seen).toEqual(["started", "paused"]);
    expect(invalid).toHaveLength(1);
    expect(invalid[0]).toContain("/instanceUuid");
  });

  it("diverts an event whose power state contradicts its type", () => {
    const invalid: string[] = [];
    const seen: string[] = [];
    const host = createDriverHost({
      onEvent: (e) => seen.push(e.type),
      onInvalidEvent: (_v, r) => invalid.push(r),
    });
    host.emitEvent(event("started", "stopped"));
    expect(seen).toEqual([]);
    expect(invalid[0]).toContain('must report power state "running"');
  });

  it("never lets a listener's exception reach the emitting driver", () => {
    const host = createDriverHost({
      onEvent: () => {
        throw new Error("listener bug");
      },
    });
    expect(() => host.emitEvent(event("started", "running"))).not.toThrow();
  });
});
