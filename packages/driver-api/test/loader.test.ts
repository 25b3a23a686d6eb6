import { existsSync, realpathSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  CONTRACT_VERSION,
  DriverLoadError,
  type LifecycleEvent,
  type LoadDriverOptions,
  loadDriver,
} from "../src/index.js";
import { isContractCompatible } from "../src/loader/read-manifest.js";

// Each fixture under ./fixtures is a driver package: a package.json with a
// `novakitDriver` manifest and, for most, a plain ESM entry that imports the
// built package (../../../dist/index.js). Not by name: a fixture's own
// package.json makes it its own package scope, and no node_modules above it
// holds @novakit/driver-api, so Node cannot resolve the name from there (it
// resolved under Vitest only sometimes, through pnpm's hidden hoisting).
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}/`, import.meta.url));
const fixturesDir = fileURLToPath(new URL("./fixtures/", import.meta.url));

beforeAll(() => {
  const built = fileURLToPath(new URL("../dist/index.js", import.meta.url));
  if (!existsSync(built)) {
    throw new Error(
      `the fixtures import ${built}: build first (cd packages/driver-api && pnpm run build)`,
    );
  }
});

const spawnRequest = {
  uuid: "2f1c8d3e-5b6a-4c7d-8e9f-0a1b2c3d4e5f",
  name: "minimal <one>",
  flavor: { name: "m1", vcpus: 1, memoryMiB: 64, rootDiskGiB: 0 },
  image: { id: "img" },
  owner: { projectId: "p", userId: "u" },
  metadata: { k: "v" },
};

type FixtureGlobals = { __novakitFixtureRan?: boolean };
const fixtureRan = () => (globalThis as FixtureGlobals).__novakitFixtureRan;

/** Loads `specifier`, expecting a DriverLoadError, and returns it. */
async function refusal(
  specifier: string,
  config: unknown = {},
  options: LoadDriverOptions = {},
): Promise<DriverLoadError> {
  try {
    await loadDriver(specifier, config, options);
  } catch (err) {
    expect(err).toBeInstanceOf(DriverLoadError);
    return err as DriverLoadError;
  }
  throw new Error(`${specifier} loaded, but should have been refused`);
}

afterEach(() => {
  delete (globalThis as FixtureGlobals).__novakitFixtureRan;
});

describe("loadDriver refuses", () => {
  it("a package with no manifest field, naming the package and the field", async () => {
    const err = await refusal(fixture("no-manifest"));
    expect(err.code).toBe("NOVAKIT_ERR_MANIFEST");
    expect(err.message).toContain("@fixture/no-manifest");
    expect(err.message).toContain("novakitDriver");
    expect(err.details).toMatchObject({ path: "/novakitDriver", found: "nothing" });
  });

  it("a driver built for contract 2.x, before running any of its code", async () => {
    const err = await refusal(fixture("contract-2x"));
    expect(err.code).toBe("NOVAKIT_ERR_CONTRACT_RANGE");
    expect(err.message).toContain("^2.0.0");
    expect(err.message).toContain(CONTRACT_VERSION);
    expect(err.message).toContain("@fixture/contract-2x");
    expect(err.details).toMatchObject({
      path: "/novakitDriver/contract",
      found: "^2.0.0",
      expected: CONTRACT_VERSION,
    });
    expect(fixtureRan()).toBeUndefined();
  });

  it.each([
    ["a missing required setting", {}, "/greeting"],
    ["a setting of the wrong type", { greeting: 42 }, "/greeting"],
    ["a setting that breaks its constraint", { greeting: "" }, "/greeting"],
    ["a misspelt extra setting", { greeting: "hi", greting: "hi" }, "/greting"],
    ["a config that is not an object", "hello", ""],
  ])("a config with %s, naming the field", async (_label, config, path) => {
    const err = await refusal(fixture("driver-1.0"), config);
    expect(err.code).toBe("NOVAKIT_ERR_CONFIG");
    expect(err.details).toMatchObject({ path });
    expect(err.message).toContain(`driver "minimal"`);
    if (path !== "") expect(err.message).toContain(path);
  });

  it("a manifest whose entry point file is missing, naming the entry", async () => {
    const err = await refusal(fixture("missing-entry"));
    expect(err.code).toBe("NOVAKIT_ERR_ENTRY_POINT");
    expect(err.message).toContain("./dist/index.js");
    expect(err.message).toContain("@fixture/missing-entry");
    expect(err.details).toMatchObject({ path: "/novakitDriver/entry", found: "no file" });
  });

  // Manifest problems are found from package.json alone: each of these
  // entries sets __novakitFixtureRan if it is ever imported.
  it.each([
    [
      "a contract that is not a semver range",
      "bad-range",
      "/novakitDriver/contract",
      "one point oh",
    ],
    [
      "a manifest name that breaks the naming rule",
      "bad-manifest-name",
      "/novakitDriver/name",
      "/novakitDriver/name",
    ],
    [
      "an entry point that escapes the package",
      "escaping-entry",
      "/novakitDriver/entry",
      "./../contract-2x/index.js",
    ],
  ])("%s, before running any code", async (_label, name, path, named) => {
    const err = await refusal(fixture(name));
    expect(err.code).toBe("NOVAKIT_ERR_MANIFEST");
    expect(err.details).toMatchObject({ path });
    expect(err.message).toContain(named);
    expect(fixtureRan()).toBeUndefined();
  });

  it.each([
    ["an entry module without the driver export", "no-export", "nothing"],
    ["an export not made by defineDriver", "not-defined", "object"],
  ])("%s", async (_label, name, found) => {
    const err = await refusal(fixture(name));
    expect(err.code).toBe("NOVAKIT_ERR_ENTRY_POINT");
    expect(err.details).toMatchObject({
      path: "/novakitDriver/entry",
      found,
      expected: "defineDriver(...)",
    });
    expect(err.message).toContain(`"driver"`);
    expect(err.message).toContain(`@fixture/${name}`);
  });

  it("an entry module that throws while it is imported, carrying the cause", async () => {
    const err = await refusal(fixture("import-throws"));
    expect(err.code).toBe("NOVAKIT_ERR_ENTRY_POINT");
    expect(err.details).toMatchObject({ path: "/novakitDriver/entry" });
    expect(err.message).toContain("cannot find native binding");
    expect((err.cause as Error).message).toBe("cannot find native binding");
  });

  it.each([
    ["name", "name-mismatch", "manifest-name", "code-name"],
    ["contract", "contract-mismatch", "^1.0.0", ">=1.0.0 <2.0.0"],
  ])(
    "a manifest %s that disagrees with the definition, naming both",
    async (field, name, inManifest, inCode) => {
      const err = await refusal(fixture(name));
      expect(err.code).toBe("NOVAKIT_ERR_MANIFEST");
      expect(err.details).toMatchObject({
        path: `/novakitDriver/${field}`,
        found: inCode,
        expected: inManifest,
      });
      expect(err.message).toContain(inManifest);
      expect(err.message).toContain(inCode);
    },
  );

  it("a configSchema that is not a JSON Schema, without creating the driver", async () => {
    const err = await refusal(fixture("bad-config-schema"));
    expect(err.code).toBe("NOVAKIT_ERR_MANIFEST");
    // A JSON Pointer into the definition, in the entry module the manifest names.
    expect(err.details).toMatchObject({ path: "/configSchema", file: "./index.js" });
    expect(err.message).toContain(`driver "bad-config-schema"`);
  });

  it("a package.json that is not valid JSON, naming the file", async () => {
    const err = await refusal(fixture("bad-json"));
    const packageJson = join(realpathSync(fixture("bad-json")), "package.json");
    expect(err.code).toBe("NOVAKIT_ERR_MANIFEST");
    // The whole document ("" as a JSON Pointer) of the file that does not parse.
    expect(err.details).toMatchObject({ path: "", file: packageJson });
    expect(err.message).toContain(packageJson);
    expect(err.cause).toBeInstanceOf(SyntaxError);
  });

  it("a create() that throws, carrying the cause", async () => {
    const err = await refusal(fixture("throwing-create"));
    expect(err.code).toBe("NOVAKIT_ERR_DRIVER_LOAD");
    expect(err.message).toContain(`driver "throwing-create"`);
    expect(err.message).toContain("no licence key");
    expect((err.cause as Error).message).toBe("no licence key");
  });

  it("a created driver lacking required methods, naming each one", async () => {
    const err = await refusal(fixture("incomplete-driver"));
    expect(err.code).toBe("NOVAKIT_ERR_ENTRY_POINT");
    // The fixture has init, close, spawn and destroy only.
    for (const missing of [
      "getHostResources",
      "listInstances",
      "getInstanceInfo",
      "reboot",
      "powerOff",
      "powerOn",
      "pause",
      "unpause",
      "suspend",
      "resume",
    ]) {
      expect(err.message).toContain(missing);
    }
    const listed = err.message.slice(err.message.indexOf("method(s)"));
    for (const present of ["init", "close", "spawn", "destroy"]) {
      expect(listed).not.toMatch(new RegExp(`\\b${present}\\b`));
    }
  });

  it.each([
    ["a package name that is not installed", "@acme/not-installed", "@acme/not-installed"],
    ["a specifier that is neither a path nor a name", "Not A Name!", "Not A Name!"],
    [
      "a path with no package.json",
      fixture("does-not-exist"),
      fixture("does-not-exist").replace(/\/$/, ""),
    ],
  ])("%s, naming it", async (_label, specifier, named) => {
    const err = await refusal(specifier, {}, { fromDir: fixturesDir });
    expect(err.code).toBe("NOVAKIT_ERR_DRIVER_LOAD");
    expect(err.details).toMatchObject({ specifier });
    expect(err.message).toContain(named);
  });

  it.each([[""], ["   "]])("an empty specifier (%j)", async (specifier) => {
    const err = await refusal(specifier);
    expect(err.code).toBe("NOVAKIT_ERR_DRIVER_LOAD");
    expect(err.details).toMatchObject({ specifier });
  });
});

describe("loadDriver accepts", () => {
  it("a driver built for 1.0 with only the required methods, and it works through the client", async () => {
    const events: LifecycleEvent[] = [];
    const invalid: unknown[] = [];
    const loaded = await loadDriver(
      fixture("driver-1.0"),
      { greeting: "hello" },
      { onEvent: (e) => events.push(e), onInvalidEvent: (e) => invalid.push(e) },
    );
    expect(loaded).toMatchObject({
      packageName: "@fixture/driver-1.0",
      packageVersion: "1.0.0",
      packageDir: realpathSync(fixture("driver-1.0")),
      manifest: { name: "minimal", contract: "^1.0.0", entry: "./index.js" },
      config: { greeting: "hello" },
    });
    expect(loaded.definition.name).toBe("minimal");

    const info = await loaded.client.init();
    expect(info).toMatchObject({ hypervisorType: "minimal", hypervisorVersion: "1.0" });
    // It declares "teleport", a capability from some later contract: ignored,
    // not fatal. Its range admits 1.0, where suspend was required: it has it.
    expect([...loaded.client.capabilities]).toEqual(["suspend"]);

    const spawned = await loaded.client.spawn(spawnRequest);
    expect(spawned).toMatchObject({ uuid: spawnRequest.uuid, powerState: "running" });
    expect(await loaded.client.getInstanceInfo(spawnRequest.uuid)).toMatchObject({
      name: "minimal <one>",
      metadata: { k: "v" },
    });
    expect(await loaded.client.listInstances()).toEqual([
      { uuid: spawnRequest.uuid, powerState: "running" },
    ]);
    await loaded.client.destroy(spawnRequest.uuid);
    await expect(loaded.client.getInstanceInfo(spawnRequest.uuid)).rejects.toMatchObject({
      code: "NOVAKIT_INSTANCE_NOT_FOUND",
    });
    // The optional surface of 1.x is closed to it.
    await expect(
      loaded.client.createSnapshot(spawnRequest.uuid, { name: "s" }),
    ).rejects.toMatchObject({ code: "NOVAKIT_UNSUPPORTED", capability: "snapshot" });

    // The host it was created with delivers its events to the loader's caller.
    expect(events.map((e) => [e.type, e.instanceUuid])).toEqual([
      ["started", spawnRequest.uuid],
      ["stopped", spawnRequest.uuid],
    ]);
    expect(invalid).toEqual([]);
  });

  it.each([
    ["an absolute path", () => fixture("driver-1.0"), undefined],
    ["a file: URL", () => pathToFileURL(fixture("driver-1.0")).href, undefined],
    ["a path relative to fromDir", () => "./driver-1.0", fixturesDir],
    [
      "a path relative to the working directory",
      () => relative(process.cwd(), fixture("driver-1.0")).replace(/^(?!\.)/, "./"),
      undefined,
    ],
  ])("a driver named by %s", async (_label, specifier, fromDir) => {
    const loaded = await loadDriver(specifier(), { greeting: "hi" }, fromDir ? { fromDir } : {});
    expect(loaded.packageName).toBe("@fixture/driver-1.0");
  });

  it("a definition under the export the manifest names, for a range wider than one major", async () => {
    const loaded = await loadDriver(fixture("custom-export"), {});
    expect(loaded.manifest).toMatchObject({ export: "computeDriver", contract: ">=1.0.0 <3" });
    expect(loaded.packageVersion).toBe("3.2.1");
    expect(loaded.definition.name).toBe("custom-export");
    expect((await loaded.client.init()).hypervisorType).toBe("custom");
  });

  it("a package by name, resolved through node_modules", async () => {
    const here = fileURLToPath(new URL("../../conformance/", import.meta.url));
    const loaded = await loadDriver("@novakit/driver-fake", {}, { fromDir: here });
    expect(loaded.packageName).toBe("@novakit/driver-fake");
    expect(loaded.manifest.name).toBe("fake");
    expect(loaded.packageDir).toBe(
      realpathSync(fileURLToPath(new URL("../../driver-fake/", import.meta.url))),
    );
  });
});

describe("the contract compatibility rule", () => {
  it.each([
    ["^1.0.0", "1.0.0", true],
    ["^1.0.0", "1.5.0", true],
    ["^1.0.0", "1.5.0-rc.1", true],
    ["^1.0.0", "2.0.0", false],
    ["^2.0.0", "1.5.0", false],
    ["^1.3.0", "1.0.0", false],
    [">=1.0.0 <3", "2.1.0", true],
    ["1.0.x", "1.0.7", true],
    ["1.0.x", "1.1.0", false],
  ])("a driver for %s under a %s core: %s", (range, core, ok) => {
    expect(isContractCompatible(range, core)).toBe(ok);
  });

  it("is what the loader applies to this core's contract version", () => {
    // CONTRACT_VERSION is a constant; the fixtures above pin both outcomes
    // through loadDriver, this pins that the rule agrees with them.
    expect(isContractCompatible("^1.0.0", CONTRACT_VERSION)).toBe(true);
    expect(isContractCompatible("^2.0.0", CONTRACT_VERSION)).toBe(false);
  });
});
