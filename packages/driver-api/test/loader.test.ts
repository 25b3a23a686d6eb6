import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { CONTRACT_VERSION, DriverLoadError, loadDriver } from "../src/index.js";
import { isContractCompatible } from "../src/loader/read-manifest.js";

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}/`, import.meta.url));
const spawnRequest = {
  uuid: "2f1c8d3e-5b6a-4c7d-8e9f-0a1b2c3d4e5f",
  name: "minimal <one>",
  flavor: { name: "m1", vcpus: 1, memoryMiB: 64, rootDiskGiB: 0 },
  image: { id: "img" },
  owner: { projectId: "p", userId: "u" },
  metadata: { k: "v" },
};

async function refusal(specifier: string, config: unknown = {}): Promise<DriverLoadError> {
  try {
    await loadDriver(specifier, config);
  } catch (err) {
    expect(err).toBeInstanceOf(DriverLoadError);
    return err as DriverLoadError;
  }
  throw new Error(`${specifier} loaded, but should have been refused`);
}

afterEach(() => {
  delete (globalThis as { __novakitFixtureRan?: boolean }).__novakitFixtureRan;
});

describe("loadDriver refuses", () => {
  it("a package with no manifest, naming the field it looked for", async () => {
    const err = await refusal(fixture("no-manifest"));
    expect(err.code).toBe("NOVAKIT_ERR_MANIFEST");
    expect(err.message).toContain("@fixture/no-manifest");
    expect(err.message).toContain('"novakitDriver"');
    expect(err.details).toMatchObject({ path: "/novakitDriver" });
  });

  it("a driver built for contract 2.x, before running any of its code", async () => {
    const err = await refusal(fixture("contract-2x"));
    expect(err.code).toBe("NOVAKIT_ERR_CONTRACT_RANGE");
    expect(err.message).toContain("^2.0.0");
    expect(err.message).toContain(CONTRACT_VERSION);
    expect(err.details).toMatchObject({ found: "^2.0.0", expected: CONTRACT_VERSION });
    expect((globalThis as { __novakitFixtureRan?: boolean }).__novakitFixtureRan).toBeUndefined();
  });

  it("a config that fails the driver's schema, naming the field", async () => {
    const missing = await refusal(fixture("driver-1.0"), {});
    expect(missing.code).toBe("NOVAKIT_ERR_CONFIG");
    expect(missing.details).toMatchObject({ path: "/greeting" });
    expect(missing.message).toContain("/greeting is required");

    const wrongType = await refusal(fixture("driver-1.0"), { greeting: 42 });
    expect(wrongType.details).toMatchObject({ path: "/greeting" });

    const misspelt = await refusal(fixture("driver-1.0"), { greeting: "hi", greting: "hi" });
    expect(misspelt.details).toMatchObject({ path: "/greting" });
    expect(misspelt.message).toContain("not a known setting");
  });

  it("a manifest whose entry point is missing, naming the path", async () => {
    const err = await refusal(fixture("missing-entry"));
    expect(err.code).toBe("NOVAKIT_ERR_ENTRY_POINT");
    expect(err.message).toContain("./dist/index.js");
    expect(err.details).toMatchObject({ path: "/novakitDriver/entry" });
  });

  it.each([
    [
      "a contract that is not a semver range",
      "bad-range",
      "NOVAKIT_ERR_MANIFEST",
      "/novakitDriver/contract",
    ],
    [
      "a manifest name that breaks the naming rule",
      "bad-manifest-name",
      "NOVAKIT_ERR_MANIFEST",
      "/novakitDriver/name",
    ],
    [
      "an entry point outside the package",
      "escaping-entry",
      "NOVAKIT_ERR_MANIFEST",
      "/novakitDriver/entry",
    ],
    [
      "an entry module without the driver export",
      "no-export",
      "NOVAKIT_ERR_ENTRY_POINT",
      "/novakitDriver/entry",
    ],
    [
      "an export not made by defineDriver",
      "not-defined",
      "NOVAKIT_ERR_ENTRY_POINT",
      "/novakitDriver/entry",
    ],
    [
      "a manifest that disagrees with the definition",
      "name-mismatch",
      "NOVAKIT_ERR_MANIFEST",
      "/novakitDriver/name",
    ],
  ])("%s", async (_label, name, code, path) => {
    const err = await refusal(fixture(name));
    expect(err.code).toBe(code);
    expect(err.details).toMatchObject({ path });
  });

  it("a package.json that is not JSON", async () => {
    const err = await refusal(fixture("bad-json"));
    expect(err.code).toBe("NOVAKIT_ERR_MANIFEST");
    expect(err.message).toContain("not readable JSON");
  });

  it("a create() that throws, carrying the cause", async () => {
    const err = await refusal(fixture("throwing-create"));
    expect(err.code).toBe("NOVAKIT_ERR_DRIVER_LOAD");
    expect(err.message).toContain("no licence key");
    expect((err.cause as Error).message).toBe("no licence key");
  });

  it("a driver lacking required methods, naming them", async () => {
    const err = await refusal(fixture("incomplete-driver"));
    expect(err.code).toBe("NOVAKIT_ERR_ENTRY_POINT");
    expect(err.message).toContain("powerOn");
    expect(err.message).toContain("getInstanceInfo");
  });

  it.each([
    [
      "a package name that is not installed",
      "@acme/not-installed",
      /pnpm add @acme\/not-installed/,
    ],
    ["an empty specifier", "", /empty/],
    [
      "a specifier that is neither a path nor a name",
      "Not A Name!",
      /neither a path nor a package name/,
    ],
    ["a path with no package", fixture("does-not-exist"), /no package\.json/],
  ])("%s", async (_label, specifier, message) => {
    const err = await refusal(specifier);
    expect(err.code).toBe("NOVAKIT_ERR_DRIVER_LOAD");
    expect(err.message).toMatch(message);
  });
});

describe("loadDriver accepts", () => {
  it("a driver built for 1.0 with only the required methods, and it works through the client", async () => {
    const loaded = await loadDriver(fixture("driver-1.0"), { greeting: "hello" });
    expect(loaded.packageName).toBe("@fixture/driver-1.0");
    expect(loaded.manifest).toMatchObject({ name: "minimal", contract: "^1.0.0" });
    const info = await loaded.client.init();
    expect(info.hypervisorType).toBe("minimal");
    // "teleport" is from a newer contract: ignored, not fatal.
    expect([...loaded.client.capabilities]).toEqual([]);
    await loaded.client.spawn(spawnRequest);
    expect(await loaded.client.getInstanceInfo(spawnRequest.uuid)).toMatchObject({
      name: "minimal <one>",
    });
    await loaded.client.destroy(spawnRequest.uuid);
    await expect(loaded.client.getInstanceInfo(spawnRequest.uuid)).rejects.toMatchObject({
      code: "NOVAKIT_INSTANCE_NOT_FOUND",
    });
    await expect(
      loaded.client.createSnapshot(spawnRequest.uuid, { name: "s" }),
    ).rejects.toMatchObject({
      code: "NOVAKIT_UNSUPPORTED",
    });
  });

  it("a package by name, resolved through node_modules", async () => {
    const here = fileURLToPath(new URL("../../conformance/", import.meta.url));
    const loaded = await loadDriver("@novakit/driver-fake", {}, { fromDir: here });
    expect(loaded.manifest.name).toBe("fake");
  });
});

describe("the compatibility rule", () => {
  it.each([
    ["^1.0.0", "1.0.0", true],
    ["^1.0.0", "1.5.0", true],
    ["^1.0.0", "1.5.0-rc.1", true],
    ["^1.0.0", "2.0.0", false],
    ["^2.0.0", "1.5.0", false],
    ["^1.3.0", "1.0.0", false],
    [">=1.0.0 <3", "2.1.0", true],
  ])("a driver for %s under a %s core: %s", (range, core, ok) => {
    expect(isContractCompatible(range, core)).toBe(ok);
  });
});
