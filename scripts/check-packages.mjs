#!/usr/bin/env node
// The vendor's path from npm, checked the way a vendor walks it:
//
// 1. every published package is packed with `pnpm pack`, and its
//    `pnpm publish --dry-run` is checked to publish the same files:
//    no workspace: range left, no dependency on a package this repository
//    does not publish, nothing shipped but dist/, schemas/ and the README
//    (and the exceptions in packages/inspect.mjs, each with its reason);
// 2. create-novakit-driver, run from its own tarball, writes a driver into
//    a temporary directory;
// 3. npm installs the contract and the kit there from the tarballs only
//    (no workspace link, no registry for @novakit packages);
// 4. the driver's own `npm test` (the suite under its vitest) passes, and
//    the installed novakit-certify says CERTIFIED;
// 5. before all that, the vendor docs (VENDOR_DOCS) name no source path an
//    npm user does not have, and every relative link in them lands.
//
//   node scripts/check-packages.mjs [--keep]   (--keep leaves the temporary directory)
//
// Needs the packages built (./dev builds them first) and npm on PATH.
import { spawn } from "node:child_process";
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { docProblems } from "./packages/doc-links.mjs";
import { fileProblems, manifestProblems, readmeProblems } from "./packages/inspect.mjs";

const root = new URL("..", import.meta.url).pathname;
const keep = process.argv.includes("--keep");
const work = mkdtempSync(join(tmpdir(), "novakit-packages-"));
const started = performance.now();
const problems = [];
/** The pages a vendor who installed from npm reads. */
const VENDOR_DOCS = ["docs/vendors.md", "docs/contract/guide.md", "docs/conformance.md"];

/** Runs a command; resolves with its stdout, rejects with all its output (and the command) on failure. */
function run(command, args, cwd, { quiet = true } = {}) {
  // npm and pnpm read npm_config_* from the environment: when this script is
  // started through pnpm, those would point npm at the workspace.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)),
  );
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let all = "";
    child.stdout.on("data", (d) => {
      stdout += d;
      all += d;
      if (!quiet) process.stdout.write(d);
    });
    child.stderr.on("data", (d) => {
      all += d;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`${command} ${args.join(" ")} (in ${cwd}) exited ${code}:\n${all}`));
    });
  });
}

async function step(label, fn) {
  const t0 = performance.now();
  try {
    const detail = await fn();
    console.log(
      `  ${label}: ${detail ?? "ok"} (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
    );
  } catch (err) {
    problems.push(`${label}: ${err.message}`);
    console.log(`  ${label}: FAILED (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    throw err;
  }
}

/** The first JSON value in a command's output (npm prints notices before it). */
function jsonIn(text) {
  return JSON.parse(text.slice(text.indexOf("{")));
}

function workspacePackages() {
  const all = new Map();
  for (const dir of readdirSync(join(root, "packages"))) {
    const file = join(root, "packages", dir, "package.json");
    if (!existsSync(file)) continue;
    const manifest = JSON.parse(readFileSync(file, "utf8"));
    all.set(manifest.name, { dir: join(root, "packages", dir), manifest });
  }
  return all;
}

/**
 * Packs one package, checks that its dry-run publish ships the same files
 * at the same sizes, and inspects them. Not the same bytes: pnpm writes the
 * devDependencies it rewrites from workspace: ranges in whichever order they
 * resolve, so two packs of one package can differ in key order alone.
 */
async function packAndInspect(name, dir, published) {
  const packed = jsonIn(
    await run("pnpm", ["pack", "--json", "--pack-destination", join(work, "tarballs")], dir),
  );
  const tarball = packed.filename;
  const dry = jsonIn(await run("pnpm", ["publish", "--dry-run", "--no-git-checks", "--json"], dir));
  const wouldPublish = dry[name] ?? dry;
  const unpacked = join(work, "unpacked", name.replace("/", "+"));
  mkdirSync(unpacked, { recursive: true });
  await run("tar", ["-xzf", tarball, "-C", unpacked], work);
  const root = join(unpacked, "package");
  const files = wouldPublish.files.map((f) => f.path);
  const found = differences(wouldPublish.files, root);
  const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  found.push(...fileProblems(name, files), ...manifestProblems(manifest, files, published));
  const readme = join(root, "README.md");
  if (existsSync(readme)) found.push(...readmeProblems(readFileSync(readme, "utf8"), files));
  return { name, tarball, unpacked: root, files, problems: found };
}

/** Where what `publish --dry-run` lists differs from the packed tarball's files. */
function differences(listed, root) {
  const found = [];
  const packedFiles = walkFiles(root);
  for (const { path, size } of listed) {
    if (!packedFiles.has(path))
      found.push(`publish --dry-run ships ${path}, which pnpm pack did not`);
    else if (path !== "package.json" && packedFiles.get(path) !== size) {
      found.push(
        `publish --dry-run ships ${path} at ${size} bytes, pnpm pack at ${packedFiles.get(path)}`,
      );
    }
  }
  const listedPaths = new Set(listed.map((f) => f.path));
  for (const path of packedFiles.keys()) {
    if (!listedPaths.has(path))
      found.push(`pnpm pack ships ${path}, which publish --dry-run does not`);
  }
  return found;
}

/** Every file under `dir`, by path relative to it, with its size. */
function walkFiles(dir, prefix = "", found = new Map()) {
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) walkFiles(dir, rel, found);
    else found.set(rel, statSync(join(dir, rel)).size);
  }
  return found;
}

async function inParallel(items, limit, fn) {
  const results = [];
  let next = 0;
  const workers = Array.from({ length: limit }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  });
  await Promise.all(workers);
  return results;
}

/** Every @novakit/<name> and vitest directory under node_modules, to count copies. */
function copiesOf(dir, name, found = []) {
  const modules = join(dir, "node_modules");
  if (!existsSync(modules)) return found;
  for (const entry of readdirSync(modules)) {
    if (entry.startsWith("@")) {
      for (const scoped of readdirSync(join(modules, entry))) {
        const path = join(modules, entry, scoped);
        if (`${entry}/${scoped}` === name) found.push(path);
        copiesOf(path, name, found);
      }
    } else if (!entry.startsWith(".")) {
      const path = join(modules, entry);
      if (entry === name) found.push(path);
      copiesOf(path, name, found);
    }
  }
  return found;
}

/**
 * The kit's README lists every hostile string the suite uses, by label. The
 * list is checked once the kit exports it (issue 14 asks it to).
 */
async function hostileStringsProblems() {
  const kit = await import(join(root, "packages/conformance/dist/index.js"));
  if (kit.HOSTILE_STRINGS === undefined) return [];
  const readme = readFileSync(join(root, "packages/conformance/README.md"), "utf8");
  return kit.HOSTILE_STRINGS.filter(([label]) => !readme.includes(`| ${label} |`)).map(
    ([label]) => `packages/conformance/README.md does not list the hostile string "${label}"`,
  );
}

async function main() {
  const all = workspacePackages();
  const published = new Map([...all].map(([name, p]) => [name, p.manifest.private !== true]));
  const toPublish = [...all].filter(([name]) => published.get(name));
  for (const [name, p] of toPublish) {
    if (!existsSync(join(p.dir, "dist")))
      throw new Error(`${name} is not built; run ./dev pnpm build`);
  }

  console.log(`== packages (${work})`);
  await step("the vendor docs name what npm users have, and their links land", async () => {
    const found = VENDOR_DOCS.flatMap((doc) => {
      const file = join(root, doc);
      return docProblems(file, readFileSync(file, "utf8")).map((p) => p.replace(root, ""));
    });
    found.push(...(await hostileStringsProblems()));
    problems.push(...found);
    if (found.length > 0) throw new Error(`${found.length} problem(s) in the vendor docs`);
    return VENDOR_DOCS.join(", ");
  });
  let packs = [];
  await step(`pnpm pack and publish --dry-run of ${toPublish.length} packages`, async () => {
    packs = await inParallel(toPublish, 2, ([name, p]) => packAndInspect(name, p.dir, published));
    for (const pack of packs) {
      for (const problem of pack.problems) problems.push(`${pack.name}: ${problem}`);
    }
    const bad = packs.filter((p) => p.problems.length > 0).length;
    if (bad > 0) throw new Error(`${bad} package(s) would publish something wrong`);
    return packs.map((p) => `${p.name} (${p.files.length} files)`).join(", ");
  });
  const tarball = (name) => packs.find((p) => p.name === name)?.tarball;

  const vendorDir = join(work, "vendor", "novakit-driver-smoke");
  await step("create-novakit-driver, from its tarball", async () => {
    const scaffold = packs.find((p) => p.name === "create-novakit-driver");
    await run(process.execPath, [join(scaffold.unpacked, "dist/cli.js"), vendorDir], work);
    return `wrote ${readdirSync(vendorDir).length} entries into vendor/novakit-driver-smoke`;
  });

  await step("npm install of the contract and the kit from their tarballs", async () => {
    const tarballs = [tarball("@novakit/driver-api"), tarball("@novakit/conformance")];
    await run(
      "npm",
      [
        "install",
        "--save-dev",
        "--no-audit",
        "--no-fund",
        "--prefer-offline",
        "--loglevel=error",
        ...tarballs,
      ],
      vendorDir,
    );
    const manifest = JSON.parse(readFileSync(join(vendorDir, "package.json"), "utf8"));
    const peer = manifest.peerDependencies?.["@novakit/driver-api"];
    if (peer !== manifest.novakitDriver.contract) {
      throw new Error(
        `the peer range of @novakit/driver-api became ${peer}, not ${manifest.novakitDriver.contract}`,
      );
    }
    if (manifest.dependencies !== undefined)
      throw new Error("npm added dependencies; the contract must stay a peer");
    for (const name of ["@novakit/driver-api", "@novakit/conformance", "vitest"]) {
      const copies = copiesOf(vendorDir, name);
      if (copies.length !== 1)
        throw new Error(`${copies.length} copies of ${name}: ${copies.join(", ")}`);
      if (name.startsWith("@novakit/") && lstatSync(copies[0]).isSymbolicLink()) {
        throw new Error(`${name} is a link, not installed from its tarball`);
      }
    }
    return "one copy each of @novakit/driver-api, @novakit/conformance and vitest";
  });

  await step("the generated driver's npm test (the suite under its own vitest)", async () => {
    const out = await run("npm", ["test"], vendorDir);
    return /Tests\s+.*?(\d+) passed/.exec(stripVTControlCharacters(out))?.[0] ?? "passed";
  });

  await step("the installed novakit-certify", async () => {
    const reports = join(work, "reports");
    const certify = join(vendorDir, "node_modules/.bin/novakit-certify");
    await run(
      certify,
      ["--driver", ".", "--config", "driver.json", "--report-dir", reports, "--quiet"],
      vendorDir,
    ).catch((err) => {
      throw new Error(
        `not certified; the reports are in ${reports} (run with --keep)\n${err.message}`,
      );
    });
    const report = JSON.parse(readFileSync(join(reports, "certification.json"), "utf8"));
    if (report.verdict !== "certified")
      throw new Error(`verdict ${report.verdict}: ${report.verdictReasons.join("; ")}`);
    return `CERTIFIED (${report.summary.passed} passed, ${report.summary.skipped} skipped)`;
  });
}

let status = 0;
try {
  await main();
} catch (err) {
  status = 1;
  if (problems.length === 0) problems.push(err.message);
}
const seconds = ((performance.now() - started) / 1000).toFixed(1);
if (problems.length > 0) {
  console.error(
    `\nnovakit: the vendor's path from npm is broken:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
  );
}
console.log(`packages: ${status === 0 ? "passed" : "FAILED"} in ${seconds} s`);
if (keep || status !== 0) console.log(`(kept ${work})`);
else rmSync(work, { recursive: true, force: true });
process.exit(status);
