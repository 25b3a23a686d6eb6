import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import type { Cloud } from "../src/cloud.js";
import { openNats } from "../src/rpc/nats-transport.js";
import { natsAvailable } from "./engines.js";
import { caller, settled, testCloud, waitFor } from "./helpers.js";

// The roles meet only on the transport, so they separate into processes
// without a code change: here a compute agent runs in a child process (from
// the built package) and the conductor, scheduler and service layer in this
// one, over NATS. Skipped without a NATS server or a build.
const AGENT = fileURLToPath(new URL("./fixtures/agent-process.mjs", import.meta.url));
const built = existsSync(fileURLToPath(new URL("../dist/index.js", import.meta.url)));
const available = built && (await natsAvailable());

function startAgent(url: string, prefix: string, host: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [AGENT, url, prefix, host], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("ready")) resolve(child);
    });
    child.on("exit", (code) => reject(new Error(`agent process exited with ${code}`)));
  });
}

describe.skipIf(!available)("a compute agent in its own process, over NATS", () => {
  let cloud: Cloud | undefined;
  let child: ChildProcess | undefined;
  afterEach(async () => {
    child?.kill("SIGTERM");
    await cloud?.close();
    cloud = undefined;
  });

  it("registers, boots and deletes an instance for a conductor in another process", async () => {
    const url = process.env.NOVA_NATS_URL as string;
    const prefix = `mp${randomBytes(4).toString("hex")}.`;
    cloud = await testCloud([], { transport: await openNats(url, { prefix }) });
    child = await startAgent(url, prefix, "remote-1");
    // The agent registered through the conductor, which told the schedulers
    // (providers_changed): no refresh here, the casts crossed the process.
    const created = await cloud.service.create(caller, {
      name: "far",
      flavorId: "m1.small",
      imageId: "cirros",
    });
    const n = await waitFor(cloud, created.uuid, settled);
    expect(n).toMatchObject({ vmState: "active", host: "remote-1", powerState: "running" });
    await cloud.service.delete(caller, created.uuid);
    await waitFor(cloud, created.uuid, (x) => x.deleted);
  });
});
