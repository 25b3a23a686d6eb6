import { describe, expect, it, vi } from "vitest";
import {
  CONTRACT_VERSION,
  createDriverHost,
  type DriverLogger,
  type LifecycleEvent,
} from "../src/index.js";

const UUID = "7a0c3f0e-4d8b-4c1a-9e2f-3b4c5d6e7f80";
const event = (
  type: LifecycleEvent["type"],
  powerState: LifecycleEvent["powerState"],
): LifecycleEvent => ({
  type,
  instanceUuid: UUID,
  powerState,
  occurredAt: "2026-01-01T12:00:00.000Z",
});

const spyLogger = (): DriverLogger => ({
  debug: vi.fn(),
  info: vi.fn(),
  warn: vi.fn(),
  error: vi.fn(),
});

function recordingHost(logger?: DriverLogger) {
  const seen: LifecycleEvent[] = [];
  const invalid: [unknown, string][] = [];
  const host = createDriverHost({
    onEvent: (e) => seen.push(e),
    onInvalidEvent: (v, reason) => invalid.push([v, reason]),
    ...(logger ? { logger } : {}),
  });
  return { host, seen, invalid };
}

describe("createDriverHost", () => {
  it("delivers every valid event to onEvent, in the order emitted", () => {
    const { host, seen, invalid } = recordingHost();
    const sequence = [
      event("started", "running"),
      event("paused", "paused"),
      event("resumed", "running"),
      event("suspended", "suspended"),
      event("resumed", "running"),
      event("crashed", "crashed"),
      event("stopped", "stopped"),
    ];
    for (const e of sequence) host.emitEvent(e);
    expect(seen).toEqual(sequence);
    expect(invalid).toEqual([]);
  });

  it.each<[string, unknown, string]>([
    [
      "a malformed instance UUID",
      { ...event("paused", "paused"), instanceUuid: "nope" },
      "/instanceUuid",
    ],
    ["an unknown event type", { ...event("started", "running"), type: "rebooted" }, "/type"],
    [
      "a timestamp that is not one",
      { ...event("started", "running"), occurredAt: "yesterday" },
      "/occurredAt",
    ],
    [
      "an unknown power state",
      { ...event("started", "running"), powerState: "dozing" },
      "/powerState",
    ],
    ["a reason with NUL", { ...event("crashed", "crashed"), reason: "a\u0000b" }, "/reason"],
    ["a power state that contradicts the type", event("started", "stopped"), "running"],
    ["a power state that contradicts the type", event("stopped", "running"), "stopped"],
  ])("diverts %s to onInvalidEvent with the reason, not to onEvent", (_label, bad, named) => {
    const logger = spyLogger();
    const { host, seen, invalid } = recordingHost(logger);
    host.emitEvent(event("started", "running"));
    host.emitEvent(bad as LifecycleEvent);
    host.emitEvent(event("stopped", "stopped"));
    expect(seen.map((e) => e.type)).toEqual(["started", "stopped"]);
    expect(invalid).toHaveLength(1);
    expect(invalid[0]?.[0]).toBe(bad);
    expect(invalid[0]?.[1]).toContain(named);
    expect(logger.warn).toHaveBeenCalledOnce();
  });

  it.each([[null], [undefined], ["started"], [42]])(
    "diverts %j, which is not an event at all, without throwing",
    (bad) => {
      const { host, seen, invalid } = recordingHost();
      expect(() => host.emitEvent(bad as unknown as LifecycleEvent)).not.toThrow();
      expect(seen).toEqual([]);
      expect(invalid).toHaveLength(1);
      expect(invalid[0]?.[1]).toMatch(/\S/);
    },
  );

  it("never lets onEvent's exception reach the emitting driver, and keeps delivering", () => {
    const logger = spyLogger();
    const delivered: string[] = [];
    const host = createDriverHost({
      logger,
      onEvent: (e) => {
        delivered.push(e.type);
        if (e.type === "started") throw new Error("listener bug");
      },
    });
    expect(() => host.emitEvent(event("started", "running"))).not.toThrow();
    expect(() => host.emitEvent(event("paused", "paused"))).not.toThrow();
    expect(delivered).toEqual(["started", "paused"]);
    expect(logger.error).toHaveBeenCalledOnce();
  });

  it("never lets onInvalidEvent's exception reach the emitting driver", () => {
    const host = createDriverHost({
      onInvalidEvent: () => {
        throw new Error("listener bug");
      },
    });
    expect(() => host.emitEvent(event("started", "stopped"))).not.toThrow();
  });

  it("accepts events with nobody listening", () => {
    const host = createDriverHost();
    expect(() => host.emitEvent(event("started", "running"))).not.toThrow();
    expect(() => host.emitEvent(event("started", "stopped"))).not.toThrow();
  });

  it("tells the driver the contract version and hands it the caller's logger", () => {
    const logger = spyLogger();
    const host = createDriverHost({ logger });
    expect(host.contractVersion).toBe(CONTRACT_VERSION);
    host.logger.info("hello", { k: 1 });
    expect(logger.info).toHaveBeenCalledWith("hello", { k: 1 });
  });
});
