import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const BIOME = join(ROOT, "node_modules/.bin/biome");
const PROBE = `lint-probe-${process.pid}.ts`;

/**
 * Lints `source` as a file in `dir` with the repository's biome.json. The
 * file is written there for the run and removed after: Biome's stdin mode
 * does not print rule diagnostics, so a real file is the honest probe.
 */
function lintIn(dir: string, source: string) {
  const probe = join(ROOT, dir, PROBE);
  writeFileSync(probe, source);
  try {
    return spawnSync(BIOME, ["lint", probe], { cwd: ROOT, encoding: "utf8" });
  } finally {
    rmSync(probe, { force: true });
  }
}

const dbImport =
  'import { getInstance } from "../db/repos/instances.js";\nexport const probe = getInstance;\n';

describe("the compute agent's dependency rule", () => {
  it("fails lint when a file under src/compute imports the database layer", () => {
    const result = lintIn("packages/nova-core/src/compute", dbImport);
    expect(result.status).not.toBe(0);
    expect(`${result.stdout}${result.stderr}`).toContain("noRestrictedImports");
  });

  it("fails lint for a direct import of the query builder too", () => {
    const result = lintIn(
      "packages/nova-core/src/compute",
      'import { Kysely } from "kysely";\nexport const probe = Kysely;\n',
    );
    expect(result.status).not.toBe(0);
    expect(`${result.stdout}${result.stderr}`).toContain("noRestrictedImports");
  });

  it("allows the same import in the conductor, which owns the database", () => {
    const result = lintIn("packages/nova-core/src/conductor", dbImport);
    expect(`${result.stdout}${result.stderr}`).not.toContain("noRestrictedImports");
    expect(result.status).toBe(0);
  });

  it("holds today: no file under src/compute names the database layer", () => {
    const dir = fileURLToPath(new URL("../src/compute", import.meta.url));
    for (const file of readdirSync(dir).filter((f) => f !== PROBE)) {
      expect(readFileSync(join(dir, file), "utf8")).not.toMatch(/from "[^"]*\/db\//);
    }
  });
});
