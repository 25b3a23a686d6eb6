import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { schemas } from "@novakit/driver-api";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { UsageError } from "../src/errors.js";
import { DRIVER_NAME_PATTERN } from "../src/names.js";
import { scaffold } from "../src/scaffold.js";
import { TEMPLATE_CONTRACT_RANGE, TEMPLATE_VERSIONS } from "../src/versions.js";

let work: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), "create-novakit-driver-"));
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

function generate(driverName = "acme-cloud", packageName = "@acme/novakit-driver-acme-cloud") {
  const dir = join(work, "out");
  return scaffold({ dir, driverName, packageName });
}

const read = (dir: string, file: string) => readFileSync(join(dir, file), "utf8");

describe("scaffold", () => {
  it("writes the whole package, with npm's special files under their real names", () => {
    const { files } = generate();
    expect([...files].sort()).toEqual([
      ".gitignore",
      "README.md",
      "driver.json",
      "package.json",
      "src/config.ts",
      "src/driver.ts",
      "src/hypervisor.ts",
      "src/index.ts",
      "test/certify.test.ts",
      "tsconfig.build.json",
      "tsconfig.json",
      "vitest.config.ts",
    ]);
  });

  it("writes a manifest that agrees with the definition, and driver-api as a peer (C-LOAD-2, C-PKG-1, C-PKG-3)", () => {
    const { dir } = generate();
    const pkg = JSON.parse(read(dir, "package.json"));
    const contract = TEMPLATE_CONTRACT_RANGE;
    expect(pkg.name).toBe("@acme/novakit-driver-acme-cloud");
    expect(pkg.novakitDriver).toEqual({ name: "acme-cloud", contract, entry: "./dist/index.js" });
    expect(pkg.peerDependencies).toEqual({ "@novakit/driver-api": contract });
    expect(pkg.dependencies).toBeUndefined();
    expect(pkg.devDependencies).toMatchObject({
      "@novakit/driver-api": `^${TEMPLATE_VERSIONS.driverApi}`,
      "@novakit/conformance": `^${TEMPLATE_VERSIONS.conformance}`,
      vitest: `^${TEMPLATE_VERSIONS.vitest}`,
    });
    expect(JSON.stringify(pkg)).not.toContain("workspace:");
    const index = read(dir, "src/index.ts");
    expect(index).toContain('name: "acme-cloud"');
    expect(index).toContain(`contract: "${contract}"`);
  });

  it("names the types after the driver and leaves no token behind", () => {
    const { dir, files } = generate();
    for (const file of files) expect(read(dir, file)).not.toMatch(/__[A-Z_]+__|\bTemplate[A-Z]/);
    expect(read(dir, "src/driver.ts")).toContain(
      "export class AcmeCloudDriver implements ComputeDriver",
    );
    expect(read(dir, "src/config.ts")).toContain("export const acmeCloudConfigSchema");
  });

  it("writes a closed config schema that accepts driver.json", () => {
    const { dir } = generate();
    expect(read(dir, "src/config.ts")).toContain("additionalProperties: false");
    expect(JSON.parse(read(dir, "driver.json"))).toEqual({ uri: "memory://default" });
  });

  it("takes the manifest schema's rule for driver names", () => {
    const manifest = schemas.driverManifest as { properties: { name: { pattern: string } } };
    expect(DRIVER_NAME_PATTERN.source).toBe(manifest.properties.name.pattern);
  });

  it("writes into an empty directory", () => {
    const dir = join(work, "empty");
    mkdirSync(dir);
    expect(
      scaffold({ dir, driverName: "acme", packageName: "novakit-driver-acme" }).files,
    ).toContain("package.json");
  });

  it("refuses a directory that is not empty, and a file, touching nothing", () => {
    const dir = join(work, "taken");
    mkdirSync(dir);
    writeFileSync(join(dir, "keep.txt"), "mine");
    expect(() => scaffold({ dir, driverName: "acme", packageName: "x" })).toThrow(UsageError);
    expect(() => scaffold({ dir, driverName: "acme", packageName: "x" })).toThrow(
      /^<dir> .* exists and is not empty/,
    );
    expect(read(dir, "keep.txt")).toBe("mine");
    expect(() =>
      scaffold({ dir: join(dir, "keep.txt"), driverName: "acme", packageName: "x" }),
    ).toThrow(/is a file/);
  });
});
