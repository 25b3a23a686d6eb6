import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadDriver, type SpawnRequest } from "@novakit/driver-api";
import { expect } from "vitest";
import { check, record } from "../check.js";
import { NotApplicable, type SuiteContext } from "../context.js";

const ROUNDS = 2;

/**
 * C-CRASH-1: a driver process killed with SIGKILL while it spawns leaves
 * nothing that a restarted driver cannot find and clean up. The suite runs
 * the driver in a child process, kills it at a random moment after it has
 * started spawning, then loads the driver afresh (as a restarted compute
 * agent would) and asks of every UUID whose spawn was started: listed, and
 * then destroyable; or not listed, and then spawnable again. A driver whose
 * instances live only in its own process passes trivially; one whose
 * hypervisor outlives it (libvirtd, xl) is held to it.
 */
export function crashTests(ctx: SuiteContext): void {
  check("C-CRASH-1", async (t) => {
    const driver = ctx.options.driver;
    if (typeof driver !== "string") {
      throw new NotApplicable(
        "the driver was given as a definition, not a package a child process can load",
      );
    }
    const attempted = new Set<string>();
    let resolvedBeforeKill = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      const requests = Array.from({ length: ctx.options.concurrency * 3 }, () => ctx.request());
      for (const r of requests) ctx.track(r.uuid); // the suite's own cleanup, should the checks below fail
      const run = await runAndKill(driver, ctx, requests);
      for (const uuid of run.attempted) attempted.add(uuid);
      resolvedBeforeKill += run.resolved.size;
    }
    const restarted = await loadDriver(driver, ctx.options.config, {
      fromDir: ctx.options.fromDir,
    });
    await restarted.client.init(ctx.call());
    try {
      const listed = new Set((await restarted.client.listInstances(ctx.call())).map((i) => i.uuid));
      const failures: string[] = [];
      for (const uuid of attempted) {
        if (listed.has(uuid)) {
          await restarted.client.destroy(uuid, ctx.call()).catch((err: unknown) => {
            failures.push(
              `${uuid}: listed after the restart, but destroy rejected: ${String(err)}`,
            );
          });
          continue;
        }
        const again: SpawnRequest = { ...ctx.request(), uuid };
        await restarted.client.spawn(again, ctx.call()).then(
          () => restarted.client.destroy(uuid, ctx.call()),
          (err: unknown) => {
            failures.push(
              `${uuid}: not listed after the restart, yet a new spawn of it rejected: ${String(err)}`,
            );
          },
        );
      }
      const still = (await restarted.client.listInstances(ctx.call())).filter((i) =>
        attempted.has(i.uuid),
      );
      record(t, "crash", {
        rounds: ROUNDS,
        attempted: attempted.size,
        resolvedBeforeKill,
        listedAfterRestart: [...attempted].filter((u) => listed.has(u)).length,
      });
      expect(
        failures,
        "spawns cut off by SIGKILL that a restarted driver could not clean up",
      ).toEqual([]);
      expect(
        still.map((i) => i.uuid),
        "instances still listed after the restarted driver destroyed them",
      ).toEqual([]);
    } finally {
      await restarted.client.close(ctx.call()).catch(() => {});
    }
  });
}

/** Runs the driver in a child process spawning `requests`, and kills it mid-way. */
function runAndKill(
  driver: string,
  ctx: SuiteContext,
  requests: SpawnRequest[],
): Promise<{ attempted: Set<string>; resolved: Set<string> }> {
  const input = {
    driver,
    config: ctx.options.config,
    fromDir: ctx.options.fromDir,
    requests,
    concurrency: ctx.options.concurrency,
    // After a random number of spawns have ended, at a random point of the
    // next ones' run: then `concurrency` spawns are in flight, each at a
    // different step. The child kills itself (see crash/child.ts).
    killAfter:
      1 + Math.floor(Math.random() * Math.max(1, requests.length - ctx.options.concurrency)),
    killDelay: Math.random(),
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [childScript(), JSON.stringify(input)], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const attempted = new Set<string>();
    const resolved = new Set<string>();
    let stderr = "";
    let buffered = "";
    const kill = () => child.kill("SIGKILL");
    child.stderr.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2000);
    });
    child.stdout.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) {
        const [what, uuid] = line.split(" ");
        if (what === "attempt" && uuid !== undefined) attempted.add(uuid);
        if (what === "resolved" && uuid !== undefined) resolved.add(uuid);
      }
    });
    const deadline = setTimeout(kill, ctx.options.callTimeoutMs * 2);
    child.on("error", reject);
    // "close", not "exit": every line the child wrote has been read by then.
    child.on("close", (code, signal) => {
      clearTimeout(deadline);
      if (signal === "SIGKILL") resolve({ attempted, resolved });
      else
        reject(
          new Error(
            `the driver's child process ended by itself (${signal ?? `exit code ${code}`}) before it was killed:\n${stderr}`,
          ),
        );
    });
  });
}

/** The child's script: dist/crash/child.js of this package, wherever the suite's code was bundled. */
function childScript(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, "package.json");
    if (
      existsSync(manifest) &&
      JSON.parse(readFileSync(manifest, "utf8")).name === "@novakit/conformance"
    ) {
      return join(dir, "dist", "crash", "child.js");
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error("cannot find @novakit/conformance's dist/crash/child.js");
    dir = parent;
  }
}
