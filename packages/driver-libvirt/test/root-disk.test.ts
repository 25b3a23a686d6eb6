// Finding an image and shaping the root volume over it: no libvirt needed.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InvalidSpec } from "@novakit/driver-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveImage, rootDiskBytes, rootVolumeName, rootVolumeXml } from "../src/root-disk.js";

const GiB = 1024 ** 3;

/** A qcow2 header: magic, version 3, a backing file offset, and the virtual size. */
function qcow2Header(virtualSize: bigint, backingOffset = 0n): Buffer {
  const h = Buffer.alloc(104);
  h.writeUInt32BE(0x514649fb, 0);
  h.writeUInt32BE(3, 4);
  h.writeBigUInt64BE(backingOffset, 8);
  h.writeUInt32BE(16, 20); // cluster bits
  h.writeBigUInt64BE(virtualSize, 24);
  return h;
}

async function rejection(p: Promise<unknown>): Promise<InvalidSpec> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InvalidSpec);
  return err as InvalidSpec;
}

describe("resolveImage", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "nk-images-"));
    await writeFile(join(dir, "plain.raw"), Buffer.alloc(4096, 1));
    await writeFile(join(dir, "cirros"), qcow2Header(BigInt(2 * GiB)));
    await writeFile(join(dir, "chained.qcow2"), qcow2Header(BigInt(GiB), 512n));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("finds an image by id in the image directory and reads a raw file's size", async () => {
    const image = await resolveImage({ id: "plain.raw" }, dir);
    expect(image).toEqual({ path: join(dir, "plain.raw"), format: "raw", virtualSizeBytes: 4096 });
  });

  it("reads a qcow2 image's virtual size from its header, by relative or absolute location", async () => {
    const byName = await resolveImage({ id: "img-1", location: "cirros" }, dir);
    expect(byName).toMatchObject({ format: "qcow2", virtualSizeBytes: 2 * GiB });
    const byPath = await resolveImage({ id: "img-1", location: join(dir, "cirros") }, undefined);
    expect(byPath.path).toBe(join(dir, "cirros"));
  });

  it("refuses a declared format the file does not have, naming /image/format", async () => {
    const err = await rejection(resolveImage({ id: "plain.raw", format: "qcow2" }, dir));
    expect(err.path).toBe("/image/format");
    expect(err.reason).toMatch(/declared qcow2 but .* is raw/);
  });

  it("refuses a qcow2 image with a backing file of its own", async () => {
    const err = await rejection(resolveImage({ id: "x", location: "chained.qcow2" }, dir));
    expect(err.path).toBe("/image/location");
    expect(err.reason).toMatch(/backing file/);
  });

  it.each([["../etc/passwd"], ["a/b"], [".hidden"], [".."], ["name with spaces"]])(
    "refuses %j as an image name: no walking out of the image directory",
    async (name) => {
      const err = await rejection(resolveImage({ id: "x", location: name }, dir));
      expect(err.path).toBe("/image/location");
      const byId = await rejection(resolveImage({ id: name }, dir));
      expect(byId.path).toBe("/image/id");
    },
  );

  it("refuses an absolute location that is not normalized", async () => {
    const err = await rejection(resolveImage({ id: "x", location: `${dir}/../etc/passwd` }, dir));
    expect(err.reason).toMatch(/normalized/);
  });

  it("says what is missing: the file, or the image directory", async () => {
    const missing = await rejection(resolveImage({ id: "nope" }, dir));
    expect(missing.reason).toMatch(/no such file/);
    const noDir = await rejection(resolveImage({ id: "plain.raw" }, undefined));
    expect(noDir.reason).toMatch(/imageDir/);
  });
});

describe("the root volume", () => {
  const image = { path: "/images/a'b<c>.raw", format: "raw" as const, virtualSizeBytes: GiB / 2 };

  it("is the flavor's size, or the image's when the flavor says 0", () => {
    expect(rootDiskBytes(0, image, "a")).toBe(GiB / 2);
    expect(rootDiskBytes(3, image, "a")).toBe(3 * GiB);
  });

  it("refuses a flavor smaller than its image, naming /flavor/rootDiskGiB", () => {
    const big = { ...image, virtualSizeBytes: 5 * GiB };
    expect(() => rootDiskBytes(2, big, "big")).toThrow(InvalidSpec);
    try {
      rootDiskBytes(2, big, "big");
    } catch (err) {
      expect((err as InvalidSpec).path).toBe("/flavor/rootDiskGiB");
    }
  });

  it("is a qcow2 volume over the image, every value escaped", () => {
    const uuid = "0b7a3c1e-6f52-4d8e-9a10-2f3b4c5d6e7f";
    const xml = rootVolumeXml(uuid, 3 * GiB, image);
    expect(rootVolumeName(uuid)).toBe(`nk-${uuid}-root.qcow2`);
    expect(xml).toContain(`<name>nk-${uuid}-root.qcow2</name>`);
    expect(xml).toContain(`<capacity unit='bytes'>${3 * GiB}</capacity>`);
    expect(xml).toContain("<target><format type='qcow2'/></target>");
    expect(xml).toContain("<path>/images/a&apos;b&lt;c&gt;.raw</path>");
    expect(xml).toContain("<backingStore><path>");
    expect(xml).toContain("<format type='raw'/></backingStore>");
  });
});
