import { describe, expect, it } from "vitest";
import { InvalidSpec, type SpawnRequest, validate } from "../src/index.js";

const valid: SpawnRequest = {
  uuid: "7a0c3f0e-4d8b-4c1a-9e2f-3b4c5d6e7f80",
  name: "web-1",
  flavor: { name: "m1.small", vcpus: 2, memoryMiB: 2048, rootDiskGiB: 20 },
  image: { id: "debian-12", format: "qcow2" },
  owner: { projectId: "p", userId: "u" },
  metadata: { role: "web" },
  networks: [{ id: "port-1", network: "default", macAddress: "52:54:00:12:34:56" }],
};

const entries = (n: number) =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, "v"]));

/** One bad field per case, and the JSON Pointer the error must name. */
const refused: [label: string, mutate: (r: SpawnRequest) => unknown, path: string][] = [
  ["a uuid that is not one", (r) => ({ ...r, uuid: "123" }), "/uuid"],
  ["an upper-case uuid", (r) => ({ ...r, uuid: r.uuid.toUpperCase() }), "/uuid"],
  ["a uuid that is a number", (r) => ({ ...r, uuid: 7 }), "/uuid"],
  ["no uuid", ({ uuid: _, ...r }) => r, "/uuid"],
  ["an empty name", (r) => ({ ...r, name: "" }), "/name"],
  ["a name with NUL", (r) => ({ ...r, name: "a\u0000b" }), "/name"],
  // Lone UTF-16 surrogates are not Unicode and cannot be written as UTF-8 (1.1).
  ["a name with a lone high surrogate", (r) => ({ ...r, name: "a\ud83dz" }), "/name"],
  ["a name ending in a lone high surrogate", (r) => ({ ...r, name: "a\ud83d" }), "/name"],
  ["a name with a lone low surrogate", (r) => ({ ...r, name: "\ude80a" }), "/name"],
  ["a name with surrogates the wrong way round", (r) => ({ ...r, name: "\ude80\ud83d" }), "/name"],
  [
    "a metadata value with a lone surrogate",
    (r) => ({ ...r, metadata: { k: "\udc00" } }),
    "/metadata/k",
  ],
  [
    "an image id with a lone surrogate",
    (r) => ({ ...r, image: { ...r.image, id: "img\ud800" } }),
    "/image/id",
  ],
  ["a name of 256 characters", (r) => ({ ...r, name: "x".repeat(256) }), "/name"],
  ["no flavor", ({ flavor: _, ...r }) => r, "/flavor"],
  [
    "32 MiB of memory",
    (r) => ({ ...r, flavor: { ...r.flavor, memoryMiB: 32 } }),
    "/flavor/memoryMiB",
  ],
  [
    "memory as a string",
    (r) => ({ ...r, flavor: { ...r.flavor, memoryMiB: "512" } }),
    "/flavor/memoryMiB",
  ],
  ["0 vCPUs", (r) => ({ ...r, flavor: { ...r.flavor, vcpus: 0 } }), "/flavor/vcpus"],
  ["1.5 vCPUs", (r) => ({ ...r, flavor: { ...r.flavor, vcpus: 1.5 } }), "/flavor/vcpus"],
  [
    "a negative root disk",
    (r) => ({ ...r, flavor: { ...r.flavor, rootDiskGiB: -1 } }),
    "/flavor/rootDiskGiB",
  ],
  ["an unknown top-level field", (r) => ({ ...r, bogus: 1 }), "/bogus"],
  ["an unknown flavor field", (r) => ({ ...r, flavor: { ...r.flavor, gpus: 1 } }), "/flavor/gpus"],
  ["no owner", ({ owner: _, ...r }) => r, "/owner"],
  ["an owner without a project", (r) => ({ ...r, owner: { userId: "u" } }), "/owner/projectId"],
  ["129 metadata entries", (r) => ({ ...r, metadata: entries(129) }), "/metadata"],
  [
    "a metadata value of 256 characters",
    (r) => ({ ...r, metadata: { long: "v".repeat(256) } }),
    "/metadata/long",
  ],
  ["a metadata value with NUL", (r) => ({ ...r, metadata: { k: "a\u0000" } }), "/metadata/k"],
  [
    "a metadata value that is a number",
    (r) => ({ ...r, metadata: { count: 3 } }),
    "/metadata/count",
  ],
  [
    "a metadata key of 256 characters",
    (r) => ({ ...r, metadata: { ["k".repeat(256)]: "v" } }),
    `/metadata/${"k".repeat(256)}`,
  ],
  ["an empty metadata key", (r) => ({ ...r, metadata: { "": "v" } }), "/metadata/"],
  [
    "a metadata key with NUL and a slash",
    (r) => ({ ...r, metadata: { "a/\u0000": "v" } }),
    "/metadata/a~1\u0000",
  ],
  [
    "an image format the contract does not know",
    (r) => ({ ...r, image: { ...r.image, format: "vmdk" } }),
    "/image/format",
  ],
  [
    "a bad MAC address",
    (r) => ({ ...r, networks: [{ id: "p", network: "n", macAddress: "52:54:00:ZZ:34:56" }] }),
    "/networks/0/macAddress",
  ],
  [
    "an upper-case MAC address in the second network",
    (r) => ({
      ...r,
      networks: [
        { id: "p", network: "n" },
        { id: "q", network: "n", macAddress: "52:54:00:AB:34:56" },
      ],
    }),
    "/networks/1/macAddress",
  ],
  [
    "a key that needs escaping in a JSON Pointer",
    (r) => ({ ...r, flavor: { ...r.flavor, "a/b~c": 1 } }),
    "/flavor/a~1b~0c",
  ],
];

describe("validate.spawnRequest", () => {
  it("accepts a complete request", () => {
    expect(validate.spawnRequest.is(valid)).toBe(true);
    expect(validate.spawnRequest.assert(valid)).toBe(valid);
  });

  it.each(refused)("refuses %s with InvalidSpec at the field's path", (_label, mutate, path) => {
    const bad = mutate(valid);
    expect(validate.spawnRequest.is(bad)).toBe(false);
    let thrown: unknown;
    try {
      validate.spawnRequest.assert(bad);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(InvalidSpec);
    expect(thrown).toMatchObject({ code: "NOVAKIT_INVALID_SPEC", path, details: { path } });
  });

  it.each<[string, (r: SpawnRequest) => SpawnRequest]>([
    ["a name of 255 characters", (r) => ({ ...r, name: "x".repeat(255) })],
    ["a name of 255 emoji", (r) => ({ ...r, name: "🚀".repeat(255) })],
    ["128 metadata entries", (r) => ({ ...r, metadata: entries(128) })],
    ["empty metadata", (r) => ({ ...r, metadata: {} })],
    [
      "64 MiB of memory and a root disk of 0",
      (r) => ({ ...r, flavor: { ...r.flavor, memoryMiB: 64, rootDiskGiB: 0 } }),
    ],
    ["no networks", ({ networks: _, ...r }) => r],
  ])("accepts %s", (_label, mutate) => {
    expect(validate.spawnRequest.is(mutate(valid))).toBe(true);
  });

  // Names and metadata are opaque text the driver must store and return
  // unchanged, however hostile; only NUL and lone surrogates are refused.
  it.each([
    ["quotes", `"double" 'single' \`back\``],
    ["angle brackets and ampersands", "<name>&amp;</name> & <![CDATA[x]]>"],
    ["newlines and tabs", "a\nb\r\nc\td"],
    ["other control characters", "\u0001\u0008\u000b\u000c\u001b[31m\u007f\u0085"],
    ["emoji", "🚀🔥👩‍👩‍👧"],
    ["astral characters written as surrogate pairs", "\ud83d\ude80 \ud800\udc00 \udbff\udfff"],
    ["CJK text", "名前 서버 サーバー"],
    ["mixed scripts and a right-to-left mark", "имя ‏שם‎ ΟΝΟΜΑ"],
  ])("accepts names and metadata with %s", (_label, text) => {
    const request = { ...valid, name: text, metadata: { [text]: text, plain: text } };
    expect(validate.spawnRequest.assert(request)).toBe(request);
  });
});

describe("the other request validators", () => {
  it.each<[string, { is(v: unknown): boolean; assert(v: unknown): unknown }, unknown, string]>([
    ["rebootSpec", validate.rebootSpec, { type: "warm" }, "/type"],
    ["powerOffSpec", validate.powerOffSpec, { graceMs: 3_600_001 }, "/graceMs"],
    ["resizeSpec", validate.resizeSpec, { vcpus: 1 }, "/memoryMiB"],
    ["snapshotSpec", validate.snapshotSpec, { name: "s", tags: [] }, "/tags"],
    ["consoleOutputSpec", validate.consoleOutputSpec, { maxBytes: 0 }, "/maxBytes"],
    ["blockDeviceSpec", validate.blockDeviceSpec, { id: "v", source: "s", bus: "usb" }, "/bus"],
    ["interfaceSpec", validate.interfaceSpec, { id: "p" }, "/network"],
    ["migrationSpec", validate.migrationSpec, { destination: "" }, "/destination"],
  ])("%s refuses one bad field, naming it", (_name, validator, bad, path) => {
    expect(validator.is(bad)).toBe(false);
    expect(() => validator.assert(bad)).toThrow(
      expect.objectContaining({ code: "NOVAKIT_INVALID_SPEC", path }),
    );
  });
});

describe("the answer validators", () => {
  const instance = {
    uuid: valid.uuid,
    name: "x",
    powerState: "running",
    vcpus: 1,
    memoryMiB: 64,
    uptimeSeconds: 0,
    metadata: {},
    blockDevices: [],
    interfaces: [],
  };

  it("accept an extra field from a newer driver (answers are open)", () => {
    expect(validate.instanceInfo.is({ ...instance, addedInContract1_4: true })).toBe(true);
  });

  it("refuse an instance in a power state the contract does not know", () => {
    expect(validate.instanceInfo.is({ ...instance, powerState: "bogus" })).toBe(false);
  });

  it.each([
    ["2026-01-01T12:00:00Z", true],
    ["2026-01-01T12:00:00.123+02:00", true],
    ["yesterday", false],
    ["2026-01-01", false],
  ])("judge an event timestamp %j: %s", (occurredAt, ok) => {
    expect(
      validate.lifecycleEvent.is({
        type: "started",
        instanceUuid: valid.uuid,
        powerState: "running",
        occurredAt,
      }),
    ).toBe(ok);
  });
});
