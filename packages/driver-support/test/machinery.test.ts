import { createDriverHost, type LifecycleEvent } from "@novakit/driver-api";
import { describe, expect, it } from "vitest";
import { PowerLedger, QuietWindows, SingleFlight, SpawnClaims } from "../src/index.js";

const uuid = "5f1c2a9e-3b7d-4c1e-9a2f-0d4e6b8c1a3f";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("QuietWindows", () => {
  it("is quiet while an operation runs and for the window after, then settles once", async () => {
    const settled: string[] = [];
    const windows = new QuietWindows(300, (u) => settled.push(u));
    expect(windows.isQuiet(uuid)).toBe(false);
    const done = windows.begin(uuid);
    const other = windows.begin(uuid);
    expect(windows.isQuiet(uuid)).toBe(true);
    done();
    done(); // twice is once
    expect(windows.isQuiet(uuid)).toBe(true); // the other operation still runs
    other();
    expect(windows.isQuiet(uuid)).toBe(true); // the window after it
    expect(settled).toEqual([]);
    await sleep(600);
    expect(windows.isQuiet(uuid)).toBe(false);
    expect(settled).toEqual([uuid]);
  });

  it("settles only after the last of overlapping windows", async () => {
    const settled: string[] = [];
    const windows = new QuietWindows(30, (u) => settled.push(u));
    await windows.during(uuid, () => sleep(1));
    await sleep(15);
    await windows.during(uuid, () => sleep(1));
    await sleep(80);
    expect(settled).toEqual([uuid]);
  });
});

describe("PowerLedger", () => {
  it("reports each change once, in the contract's words, and nothing for an unknown start", () => {
    const events: LifecycleEvent[] = [];
    const ledger = new PowerLedger(createDriverHost({ onEvent: (e) => events.push(e) }));
    expect(ledger.reconcile(uuid, "running")).toBeNull(); // nothing known before
    ledger.set(uuid, "paused");
    expect(ledger.reconcile(uuid, "running")).toBe("resumed");
    expect(ledger.reconcile(uuid, "running")).toBeNull();
    expect(ledger.reconcile(uuid, "stopped")).toBe("stopped");
    expect(ledger.reconcile(uuid, "crashed")).toBe("crashed");
    expect(events.map((e) => [e.type, e.powerState])).toEqual([
      ["resumed", "running"],
      ["stopped", "stopped"],
      ["crashed", "crashed"],
    ]);
    ledger.forget(uuid);
    expect(ledger.uuids()).toEqual([]);
  });
});

describe("SingleFlight and SpawnClaims", () => {
  it("a second run while the first is in flight shares its result", async () => {
    const flight = new SingleFlight<number>();
    let runs = 0;
    const work = async () => {
      runs += 1;
      await sleep(10);
      return runs;
    };
    const [a, b] = await Promise.all([flight.run("k", work), flight.run("k", work)]);
    expect([a, b, runs]).toEqual([1, 1, 1]);
    expect(await flight.run("k", work)).toBe(2);
  });

  it("claims a UUID once until released", () => {
    const claims = new SpawnClaims();
    expect(claims.claim(uuid)).toBe(true);
    expect(claims.claim(uuid)).toBe(false);
    claims.release(uuid);
    expect(claims.claim(uuid)).toBe(true);
  });
});
