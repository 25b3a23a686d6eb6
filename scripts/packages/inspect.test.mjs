import { describe, expect, it } from "vitest";
import { entryTargets, fileProblems, manifestProblems, readmeProblems } from "./inspect.mjs";

const workspace = new Map([
  ["@novakit/driver-api", true],
  ["@novakit/driver-fake", true],
  ["@novakit/nova-core", false],
]);

const driver = {
  name: "@novakit/driver-x",
  publishConfig: { access: "public" },
  novakitDriver: { name: "x", contract: "^1.0.0", entry: "./dist/index.js" },
  exports: { ".": { types: "./dist/index.d.ts", default: "./dist/index.js" } },
  peerDependencies: { "@novakit/driver-api": "^1.0.0" },
  devDependencies: { "@novakit/driver-api": "1.0.0" },
};
const shipped = ["package.json", "README.md", "dist/index.js", "dist/index.d.ts"];

describe("manifestProblems", () => {
  it("passes a driver published as it should be", () => {
    expect(manifestProblems(driver, shipped, workspace)).toEqual([]);
  });

  it.each([
    [
      "a workspace: range left in devDependencies",
      { devDependencies: { "@novakit/driver-api": "workspace:*" } },
      'devDependencies.@novakit/driver-api is still "workspace:*"',
    ],
    [
      "a dependency on an unpublished package",
      { devDependencies: { "@novakit/nova-core": "0.1.0" } },
      "devDependencies.@novakit/nova-core names a package this repository does not publish",
    ],
    [
      "the contract as a dependency (C-PKG-1)",
      { dependencies: { "@novakit/driver-api": "^1.0.0" } },
      "C-PKG-1: @novakit/driver-api is a dependency; it must be a peer dependency only",
    ],
    [
      "no peer on the contract (C-PKG-1)",
      { peerDependencies: {} },
      "C-PKG-1: @novakit/driver-api is not a peer dependency",
    ],
    [
      "a peer range unlike the manifest's (C-PKG-3)",
      { peerDependencies: { "@novakit/driver-api": "^1.1.0" } },
      "C-PKG-3: the peer range of @novakit/driver-api (^1.1.0) differs from novakitDriver.contract (^1.0.0)",
    ],
    [
      "a scoped package published restricted",
      { publishConfig: undefined },
      'a scoped package without publishConfig.access "public" is published restricted (or refused)',
    ],
    [
      "an entry it does not ship",
      { novakitDriver: { ...driver.novakitDriver, entry: "./dist/driver.js" } },
      "names dist/driver.js, which it does not ship",
    ],
  ])("flags %s", (_label, change, problem) => {
    expect(manifestProblems({ ...driver, ...change }, shipped, workspace)).toContain(problem);
  });
});

describe("fileProblems", () => {
  it("allows dist, schemas, the README and the manifest", () => {
    expect(fileProblems("@novakit/driver-api", [...shipped, "schemas/spawn-request.json"])).toEqual(
      [],
    );
  });

  it.each([
    ["@novakit/driver-api", "src/index.ts"],
    ["@novakit/driver-api", "test/loader.test.ts"],
    ["@novakit/driver-api", "tsconfig.json"],
    ["@novakit/node-libvirt", "scripts/asan-test.sh"],
    ["@novakit/driver-fake", "src/nested/thing.ts"],
  ])("refuses %s shipping %s", (name, file) => {
    expect(fileProblems(name, [...shipped, file])).toContain(
      `ships ${file}, which is not dist/, schemas/ or the README`,
    );
  });

  it("allows each exception only to its own package", () => {
    expect(fileProblems("@novakit/driver-fake", [...shipped, "src/fake-driver.ts"])).toEqual([]);
    expect(fileProblems("@novakit/node-libvirt", [...shipped, "binding.gyp"])).toEqual([]);
    expect(fileProblems("@novakit/driver-api", [...shipped, "binding.gyp"])).toHaveLength(1);
  });

  it("wants a README", () => {
    expect(fileProblems("x", ["package.json", "dist/index.js"])).toEqual(["ships no README.md"]);
  });
});

describe("entryTargets", () => {
  it("lists exports, bin and the driver's entry, without patterns", () => {
    expect(
      entryTargets({
        exports: { ".": { types: "./dist/index.d.ts" }, "./schemas/*.json": "./schemas/*.json" },
        bin: { x: "./dist/cli.js" },
        novakitDriver: { entry: "./dist/index.js" },
      }),
    ).toEqual(["dist/cli.js", "dist/index.d.ts", "dist/index.js"]);
  });
});

describe("readmeProblems", () => {
  it("keeps links to the web, to anchors and to shipped files", () => {
    const text = "[a](https://x.dev) [b](#usage) [c](./dist/index.d.ts) [d](schemas/)";
    expect(readmeProblems(text, [...shipped, "schemas/a.json"])).toEqual([]);
  });

  it("flags a link into the repository", () => {
    expect(readmeProblems("[guide](../../docs/contract/guide.md)", shipped)).toEqual([
      "README.md links to ../../docs/contract/guide.md, which the package does not ship",
    ]);
  });
});
