import { describe, expect, it } from "vitest";
import { type SpawnRequest, validate } from "../src/index.js";

const valid: SpawnRequest = {
  uuid: "7a0c3f0e-4d8b-4c1a-9e2f-3b4c5d6e7f80",
  name: "web-1",
  flavor: { name: "m1.small", vcpus: 2, memoryMiB: 2048, rootDiskGiB: 20 },
  image: { id: "debian-12", format: "qcow2" },
  owner: { projectId: "p", userId: "u" },
  metadata: { role: "web" },
  networks: [{ id: "port-1", network: "default", macAddress: "52:54:00:12:34:56" }],
};

const cases: [string, (r: SpawnRequest) => unknown, string][] = [
  ["a uuid that is not one", (r) => ({ ...r, uuid: "123" }), "/uuid"],
  ["an upper-case uuid", (r) => ({ ...r, uuid: r.uuid.toUpperCase() }), "/uuid"],
  ["an empty name", (r) => ({ ...r, name: "" }), "/name"],
  ["a name with NUL", (r) => ({ ...r, name: "a\u0000" }), "/name"],
  ["a name of 256 characters", (r) => ({ ...r, name: "x".repeat(256) }), "/name"],
  [
    "32 MiB of memory",
    (r) => ({ ...r, flavor: { ...r.flavor, memoryMiB: 32 } }),
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
  [
    "129 metadata entries",
    (r) => ({
      ...r,
      metadata: Object.fromEntries(Array.from({ length: 129 }, (_, i) => [`k${i}`, ""])),
    }),
    "/metadata",
  ],
  [
    "a metadata value of 256 characters",
    (r) => ({ ...r, metadata: { long: "v".repeat(256) } }),
    "/metadata/long",
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
    "a key that needs escaping in a JSON Pointer",
    (r) => ({ ...r, flavor: { ...r.flavor, "a/b~c": 1 } }),
    "/flavor/a~1b~0c",
  ],
];

describe("validate.spawnRequest", () => {
  it("accepts a complete request", () => {
    expect(validate.spawnRequest.is(valid)).toBe(true);
  });

  it.each(cases)("refuses %s with InvalidSpec at the field's path", (_label, mutate, path) => {
    expect(() => validate.spawnRequest.assert(mutate(valid))).toThrow(
      expect.objectContaining({ code: "NOVAKIT_INVALID_SPEC", path }),
    );
  });

  it.each([
    ["quotes", `"double" 'single'`],
    ["markup", "<name>&amp;</name>"],
    ["newlines and tabs", "a\nb\r\nc\td"],
    ["control characters", "\u0001\u001b[31m\u007f"],
    ["non-ASCII", "名前 имя 🚀"],
  ])("accepts names and metadata with %s", (_label, text) => {
    expect(validate.spawnRequest.is({ ...valid, name: text, metadata: { [text]: text } })).toBe(
      true,
    );
  });
});

describe("the answer validators", () => {
  it("accept an extra field from a newer driver (answers are open)", () => {
    expect(
      validate.instanceInfo.is({
        uuid: valid.uuid,
        name: "x",
        powerState: "running",
        vcpus: 1,
        memoryMiB: 64,
        uptimeSeconds: 0,
        metadata: {},
        blockDevices: [],
        interfaces: [],
        addedInContract1_4: true,
      }),
    ).toBe(true);
  });

  it("refuse an event without a valid timestamp", () => {
    expect(
      validate.lifecycleEvent.is({
        type: "started",
        instanceUuid: valid.uuid,
        powerState: "running",
        occurredAt: "yesterday",
      }),
    ).toBe(false);
  });
});
