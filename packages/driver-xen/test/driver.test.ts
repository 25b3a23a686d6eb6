// driver-xen on xl-sim, for what the conformance suite cannot reach:
// changes made behind the driver's back (C-EVENT-3), what a killed driver
// leaves (removed at init), and xl's exit status not being trusted.
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  createDriverHost,
  DriverClient,
  type LifecycleEvent,
  type SpawnRequest,
} from "@novakit/driver-api";
import { afterEach, describe, expect, it } from "vitest";
import type { XenDriverConfig } from "../src/config.js";
import { XenDriver } from "../src/xen-driver.js";
import { buildDomainConfig } from "../src/xl/domain-config.js";
import { simulatedHost } from "./sim.js";

const clients: DriverClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close().catch(() => {});
});

async function start(config: XenDriverConfig) {
  const events: LifecycleEvent[] = [];
  const host = createDriverHost({ onEvent: (e) => events.push(e) });
  const client = new DriverClient(new XenDriver(config, host));
  clients.push(client);
  await client.init();
  return { client, events };
}

const request = (uuid: string): SpawnRequest => ({
  uuid,
  name: "behind the back",
  flavor: { name: "tiny", vcpus: 1, memoryMiB: 128, rootDiskGiB: 0 },
  image: { id: "image" },
  owner: { projectId: "p", userId: "u" },
  metadata: {},
});

async function until(check: () => boolean, ms = 5000): Promise<number> {
  const t0 = performance.now();
  while (!check()) {
    if (performance.now() - t0 > ms) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
  return performance.now() - t0;
}

describe("changes made behind the driver's back", () => {
  it.each([
    ["sim-poweroff", "stopped", "stopped"],
    ["sim-crash", "crashed", "crashed"],
    ["pause", "paused", "paused"],
  ] as const)("xl %s is reported as %s, once", async (command, type, state) => {
    const { config, xl } = simulatedHost({ pollIntervalMs: 100, eventQuietMs: 50 });
    const { client, events } = await start(config);
    const uuid = crypto.randomUUID();
    await client.spawn(request(uuid));
    await new Promise((r) => setTimeout(r, 100)); // past the spawn's quiet window
    xl(command, `nk-${uuid}`);
    await until(() => events.some((e) => e.type === type));
    await new Promise((r) => setTimeout(r, 300));
    expect(events.map((e) => e.type)).toEqual(["started", type]);
    expect(events[1]).toMatchObject({ instanceUuid: uuid, powerState: state });
    expect((await client.getInstanceInfo(uuid)).powerState).toBe(state);
  });

  it("a guest's own reboot is no event, and its uptime starts again", async () => {
    const { config, xl } = simulatedHost({ pollIntervalMs: 100, eventQuietMs: 50 });
    const { client, events } = await start(config);
    const uuid = crypto.randomUUID();
    await client.spawn(request(uuid));
    await new Promise((r) => setTimeout(r, 600));
    const before = (await client.getInstanceInfo(uuid)).uptimeSeconds;
    xl("sim-reboot", `nk-${uuid}`);
    await new Promise((r) => setTimeout(r, 400));
    expect(events.map((e) => e.type)).toEqual(["started"]);
    expect((await client.getInstanceInfo(uuid)).uptimeSeconds).toBeLessThan(before);
  });
});

describe("what a killed driver left", () => {
  it("init removes a cut-off spawn (with its domain), a cut-off destroy, and a domain without an instance", async () => {
    const { config, xl, dir } = simulatedHost();
    const state = config.stateDir as string;
    mkdirSync(state, { recursive: true });
    const cfgOf = (uuid: string) =>
      buildDomainConfig({
        uuid,
        vcpus: 1,
        memoryMiB: 64,
        boot: { type: "pvh", kernel: "/k", cmdline: "" },
        record: {
          name: "n",
          metadata: {},
          flavor: request(uuid).flavor,
          owner: request(uuid).owner,
          image: { id: "i" },
        },
      });
    const [spawning, destroying, orphan, kept] = Array.from({ length: 4 }, () =>
      crypto.randomUUID(),
    );
    for (const [uuid, where] of [
      [spawning, join(state, spawning as string)],
      [destroying, join(state, `.trash.${destroying}.0badf00d`)],
      [orphan, join(dir, "orphan")],
      [kept, join(state, kept as string)],
    ] as const) {
      mkdirSync(where, { recursive: true });
      const file = join(where, uuid === kept ? "domain.cfg" : "spawning.cfg");
      writeFileSync(file, cfgOf(uuid as string));
      xl("create", file);
    }
    const { client } = await start(config);
    expect(readdirSync(state).sort()).toEqual([kept]);
    expect((await client.listInstances()).map((i) => i.uuid)).toEqual([kept]);
    const domains = execFileSync(
      config.xlCommand?.[0] as string,
      [...(config.xlCommand?.slice(1) ?? []), "list"],
      { encoding: "utf8" },
    );
    expect(domains).toContain(`nk-${kept}`);
    for (const gone of [spawning, destroying, orphan]) expect(domains).not.toContain(`nk-${gone}`);
    await client.spawn(request(spawning as string)); // the cut-off UUID spawns again
  });
});

describe("xl's exit status is not trusted", () => {
  it("a pause that exits 0 but leaves the domain running is DriverInternal, saying so", async () => {
    const { config, simDir } = simulatedHost();
    // An xl whose pause does nothing and exits 0, as a pause of an unknown
    // domain was once seen to do.
    const liar = join(simDir, "..", "lying-xl.sh");
    const [node, sim, ...rest] = config.xlCommand as string[];
    writeFileSync(
      liar,
      `#!/bin/sh\n[ "$1" = pause ] && exit 0\nexec '${node}' '${sim}' ${rest.map((a) => `'${a}'`).join(" ")} "$@"\n`,
      { mode: 0o755 },
    );
    const { client } = await start({ ...config, xlCommand: [liar] });
    const uuid = crypto.randomUUID();
    await client.spawn(request(uuid));
    await expect(client.pause(uuid)).rejects.toMatchObject({
      code: "NOVAKIT_DRIVER_INTERNAL",
      message: expect.stringContaining("is running, not paused"),
    });
  });
});
