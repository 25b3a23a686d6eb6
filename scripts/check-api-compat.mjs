#!/usr/bin/env node
// Fails when a published package's public surface changed since its last
// release without a changeset that bumps it far enough: anything removed or
// changed, or a required member added to an interface vendors implement,
// needs `major`; anything added needs at least `minor`.
//
// The baseline is etc/<name>.api.released.md, the report as of the last
// release. `--accept-baseline` (run by `pnpm release:version`, after
// `changeset version`) makes the current report the new baseline.
import { copyFileSync, existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { bumpCovers, pendingBump, requiredBump } from "./api-compat/classify.mjs";

const root = new URL("..", import.meta.url).pathname;
const accept = process.argv.includes("--accept-baseline");

const changesetDir = join(root, ".changeset");
const changesets = readdirSync(changesetDir)
  .filter((f) => f.endsWith(".md") && f !== "README.md")
  .map((f) => readFileSync(join(changesetDir, f), "utf8"));

let failed = false;
for (const dir of readdirSync(join(root, "packages"))) {
  const etc = join(root, "packages", dir, "etc");
  if (!existsSync(etc)) continue;
  const pkg = JSON.parse(readFileSync(join(root, "packages", dir, "package.json"), "utf8"));
  for (const file of readdirSync(etc).filter(
    (f) => f.endsWith(".api.md") && !f.endsWith(".released.md"),
  )) {
    const current = join(etc, file);
    const baseline = join(etc, file.replace(/\.api\.md$/, ".api.released.md"));
    if (accept) {
      copyFileSync(current, baseline);
      console.log(`${pkg.name}: baseline updated from ${file}`);
      continue;
    }
    if (!existsSync(baseline)) {
      console.error(
        `${pkg.name}: no released baseline ${baseline}; run \`pnpm release:version\` or copy the report there.`,
      );
      failed = true;
      continue;
    }
    const verdict = requiredBump(readFileSync(baseline, "utf8"), readFileSync(current, "utf8"));
    const pending = pendingBump(changesets, pkg.name);
    if (verdict.bump === "none") {
      console.log(`${pkg.name}: public surface unchanged since the last release`);
      continue;
    }
    if (bumpCovers(pending, verdict.bump)) {
      console.log(
        `${pkg.name}: surface change needs ${verdict.bump}; a pending changeset gives ${pending}`,
      );
      continue;
    }
    failed = true;
    console.error(
      `${pkg.name}: the public surface changed in a way that needs a ${verdict.bump} release, but the pending changesets give ${pending}.`,
    );
    for (const { line } of verdict.removed) console.error(`  - ${line.trim()}`);
    for (const { line } of verdict.added) {
      const mark = verdict.breakingAdds.some((b) => b.line === line)
        ? "  + (new required member) "
        : "  + ";
      console.error(`${mark}${line.trim()}`);
    }
    console.error(
      `Add one with \`pnpm changeset\` choosing ${verdict.bump} for ${pkg.name}, or restore the surface.`,
    );
  }
}
process.exit(failed ? 1 : 0);
