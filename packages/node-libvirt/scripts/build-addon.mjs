// Builds the native addon on install, against the system's libvirt found
// with pkg-config and the headers of the Node running the install. On a
// machine without libvirt's development files it builds nothing, says why,
// and exits 0, so the rest of a workspace still installs; the package's
// tests then skip with the same reason.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, realpathSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";

const here = resolve(dirname(new URL(import.meta.url).pathname), "..");
const probe = spawnSync("pkg-config", ["--exists", "libvirt"]);
if (probe.error || probe.status !== 0) {
  console.warn(
    "node-libvirt: libvirt development files not found (pkg-config libvirt); the binding is not built. " +
      "Install them with: apt-get install libvirt-dev pkg-config",
  );
  process.exit(0);
}

// Headers to build against, found locally so nothing is downloaded (these
// machines reach no Node download site). N-API is ABI-stable, so any of
// them serves: the running Node's own (<prefix>/include/node beside
// <prefix>/bin/node; the npm registry's "node" package keeps them in its
// platform package), then npm's configured nodedir, then the system's.
const prefix = resolve(dirname(realpathSync(process.execPath)), "..");
const candidates = [
  prefix,
  join(prefix, "node_modules", `node-${process.platform}-${process.arch}`),
  process.env.npm_config_nodedir,
  "/usr",
  "/usr/local",
].filter(Boolean);
const nodedir = candidates.find((dir) => existsSync(join(dir, "include", "node", "node_api.h")));
const args = ["rebuild", "--release"];
if (nodedir) args.push(`--nodedir=${nodedir}`);

const require = createRequire(import.meta.url);
const nodeGyp = require.resolve("node-gyp/bin/node-gyp.js");
try {
  execFileSync(process.execPath, [nodeGyp, ...args], { cwd: here, stdio: "inherit" });
} catch {
  console.error("node-libvirt: building the native addon failed (see above).");
  process.exit(1);
}
