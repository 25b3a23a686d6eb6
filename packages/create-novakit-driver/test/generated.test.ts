// The generated package compiled with tsc and loaded by the contract's own
// loader, against this repository's packages. The full certification, from
// packed tarballs and the installed novakit-certify, is CI's
// (scripts/check-packages.mjs).
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type DriverClient, type LifecycleEvent, loadDriver } from "@novakit/driver-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scaffold } from "../src/scaffold.js";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
/** A package's directory as this package resolves it (a workspace link or the store). */
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

let work: string;
let dir: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "create-novakit-driver-gen-"));
  dir = join(work, "novakit-driver-acme");
  scaffold({ dir, driverName: "acme", packageName: "novakit-driver-acme" });
  mkdirSync(join(dir, "node_modules", "@novakit"), { recursive: true });
  mkdirSync(join(dir, "node_modules", "@types"), { recursive: true });
  symlinkSync(packageDir("@novakit/driver-api"), join(dir, "node_modules/@novakit/driver-api"));
  symlinkSync(packageDir("@novakit/conformance"), join(dir, "node_modules/@novakit/conformance"));
  const root = join(here, "../../..");
  symlinkSync(join(root, "node_modules/@types/node"), join(dir, "node_modules/@types/node"));
  symlinkSync(join(root, "node_modules/vitest"), join(dir, "node_modules/vitest"));
  const tsc = join(root, "node_modules/typescript/bin/tsc");
  execFileSync(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: dir, stdio: "pipe" });
  execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: dir, stdio: "pipe" });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("the generated package", () => {
  let client: DriverClient;
  const events: LifecycleEvent[] = [];

  it("type-checks, builds and passes every check of the loader", async () => {
    const loaded = await loadDriver(
      dir,
      { uri: "memory://generated-test" },
      {
        onEvent: (event) => events.push(event),
      },
    );
    expect(loaded.packageName).toBe("novakit-driver-acme");
    expect(loaded.manifest.name).toBe("acme");
    client = loaded.client;
    const info = await client.init();
    expect(info).toMatchObject({ hypervisorType: "memory", capabilities: [] });
  });

  it("rejects a bad spec rather than throwing (C-ERR-2)", async () => {
    const { driver } = await loadDriver(dir, { uri: "memory://generated-test" });
    const options = { signal: new AbortController().signal, requestId: "r" };
    const spec = { type: "sideways" } as unknown as { type: "soft" };
    let answer: Promise<void> | undefined;
    expect(() => {
      answer = driver.reboot("6f1c1d3e-8c4b-4f5e-9a6d-3b2a1c0d9e8f", spec, options);
    }).not.toThrow();
    await expect(answer).rejects.toMatchObject({ code: "NOVAKIT_INVALID_SPEC" });
  });

  it("refuses an unknown setting by name (C-LOAD-5)", async () => {
    await expect(loadDriver(dir, { uri: "memory://x", urii: 1 })).rejects.toMatchObject({
      code: "NOVAKIT_ERR_CONFIG",
    });
  });

  it("runs an instance through the power-state table, emitting its events", async () => {
    const uuid = "6f1c1d3e-8c4b-4f5e-9a6d-3b2a1c0d9e8f";
    await client.spawn({
      uuid,
      name: "  keeps spaces  ",
      flavor: { name: "small", vcpus: 2, memoryMiB: 256, rootDiskGiB: 0 },
      image: { id: "img" },
      owner: { projectId: "p", userId: "u" },
      metadata: { k: "v" },
    });
    await client.pause(uuid);
    await client.pause(uuid); // no-op
    await expect(client.powerOn(uuid)).rejects.toMatchObject({ code: "NOVAKIT_INVALID_STATE" });
    await client.powerOff(uuid, { graceMs: 0 });
    await client.destroy(uuid);
    await client.destroy(uuid);
    expect(events.map((e) => `${e.type}:${e.powerState}`)).toEqual([
      "started:running",
      "paused:paused",
      "stopped:stopped",
    ]);
    await client.close();
  });
});
