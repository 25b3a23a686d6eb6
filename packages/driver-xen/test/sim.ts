// Helpers for the tests that run driver-xen on xl-sim.
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { XenDriverConfig } from "../src/config.js";

export const packageDir = fileURLToPath(new URL("../", import.meta.url));
export const simulator = join(packageDir, "bin", "xl-sim.mjs");

/** A fresh simulated host: the driver's config for it, and a way to run xl-sim by hand. */
export function simulatedHost(extra: Partial<XenDriverConfig> = {}) {
  const dir = mkdtempSync(join(tmpdir(), "nk-xl-sim-"));
  const simDir = join(dir, "host");
  const xlCommand = [process.execPath, simulator, "--state", simDir];
  const config: XenDriverConfig = {
    transport: { type: "local" },
    xlCommand,
    stateDir: join(dir, "state"),
    kernel: "/var/lib/novakit/guest/vmlinuz",
    ramdisk: "/var/lib/novakit/guest/initrd.img",
    consoleLogDir: join(simDir, "console"),
    pollIntervalMs: 200,
    eventQuietMs: 100,
    rebootTimeoutMs: 5000,
    ...extra,
  };
  const xl = (...args: string[]) =>
    execFileSync(xlCommand[0] as string, [...xlCommand.slice(1), ...args], { encoding: "utf8" });
  return { dir, simDir, config, xl };
}
