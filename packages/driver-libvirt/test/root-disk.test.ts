// Finding an image and shaping the root volume over it: no libvirt needed.
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InvalidSpec } from "@novakit/driver-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  qcow2Refusal,
  resolveImage,
  rootDiskBytes,
  rootVolumeName,
  rootVolumeOwner,
  rootVolumeXml,
} from "../src/root-disk.js";
import { parseXml } from "../src/xml.js";

const GiB = 1024 ** 3;

/**
 * A qcow2 version 3 header: magic, a backing file offset, the virtual size,
 * incompatible feature bits, and header extensions after its 104 bytes.
 */
function qcow2Header(
  virtualSize: bigint,
  backingOffset = 0n,
  incompatible = 0n,
  extensions: { type: number; data: Buffer }[] = [],
): Buffer {
  const h = Buffer.alloc(104);
  h.writeUInt32BE(0x514649fb, 0);
  h.writeUInt32BE(3, 4);
  h.writeBigUInt64BE(backingOffset, 8);
  h.writeUInt32BE(16, 20); // cluster bits
  h.writeBigUInt64BE(virtualSize, 24);
  h.writeBigUInt64BE(incompatible, 72);
  h.writeUInt32BE(104, 100); // header length
  const parts: Buffer[] = [h];
  for (const { type, data } of [...extensions, { type: 0, data: Buffer.alloc(0) }]) {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(type, 0);
    head.writeUInt32BE(data.length, 4);
    parts.push(head, data, Buffer.alloc((8 - (data.length % 8)) % 8));
  }
  return Buffer.concat(parts);
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
    await writeFile(join(dir, "data-file.qcow2"), qcow2Header(BigInt(GiB), 0n, 1n << 2n));
    await writeFile(
      join(dir, "data-name.qcow2"),
      qcow2Header(BigInt(GiB), 0n, 0n, [{ type: 0x44415441, data: Buffer.from("/etc/shadow") }]),
    );
    await writeFile(join(dir, "corrupt.qcow2"), qcow2Header(BigInt(GiB), 0n, 1n << 1n));
    await writeFile(
      join(dir, "extended.qcow2"),
      qcow2Header(BigInt(GiB), 0n, 0n, [{ type: 0x6803f857, data: Buffer.alloc(48) }]), // feature-name table
    );
    await symlink("/etc/shadow", join(dir, "shadow-link"));
    await symlink("plain.raw", join(dir, "plain-link"));
    await mkdir(join(dir, "subdir"));
    execFileSync("mkfifo", [join(dir, "fifo")]);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("finds an image by id in the image directory and reads a raw file's size", async () => {
    const image = await resolveImage({ id: "plain.raw" }, dir);
    expect(image).toEqual({ path: join(dir, "plain.raw"), format: "raw", virtualSizeBytes: 4096 });
  });

  it("reads a qcow2 image's virtual size from its header, by relative or absolute location", async () => {
    const byName = await resolveImage({ id: "img-1", location: "cirros" }, dir);
    expect(byName).toMatchObject({ format: "qcow2", virtualSizeBytes: 2 * GiB });
    const byPath = await resolveImage({ id: "img-1", location: join(dir, "cirros") }, dir);
    expect(byPath.path).toBe(join(dir, "cirros"));
    const header = qcow2Header(BigInt(GiB), 0n, 1n); // dirty only: qemu replays it
    expect(qcow2Refusal(header)).toBeUndefined();
    expect((await resolveImage({ id: "x", location: "extended.qcow2" }, dir)).format).toBe("qcow2");
  });

  it("follows a link inside the image directory to its real path there", async () => {
    const image = await resolveImage({ id: "x", location: "plain-link" }, dir);
    expect(image.path).toBe(join(dir, "plain.raw"));
  });

  it.each([
    ["/etc/shadow", /outside the directories this host allows/],
    ["/dev/zero", /outside the directories this host allows/],
    ["/etc/passwd", /outside the directories this host allows/],
  ])("refuses the host file %s as an image", async (location, reason) => {
    const err = await rejection(resolveImage({ id: "x", location }, dir));
    expect(err.path).toBe("/image/location");
    expect(err.reason).toMatch(reason);
    expect(err.reason).toContain(dir);
  });

  it("refuses a link inside the image directory that points out of it", async () => {
    const byName = await rejection(resolveImage({ id: "x", location: "shadow-link" }, dir));
    expect(byName.reason).toMatch(/resolves to \/etc\/shadow/);
    const byId = await rejection(resolveImage({ id: "shadow-link" }, dir));
    expect(byId.path).toBe("/image/id");
    const byPath = await rejection(
      resolveImage({ id: "x", location: join(dir, "shadow-link") }, dir),
    );
    expect(byPath.reason).toMatch(/outside/);
  });

  it.each([
    ["fifo", /a FIFO, not a regular file/],
    ["subdir", /a directory, not a regular file/],
  ])("refuses %s in the image directory: only regular files are images", async (name, reason) => {
    const err = await rejection(resolveImage({ id: "x", location: name }, dir));
    expect(err.reason).toMatch(reason);
  });

  it.each([
    ["data-file.qcow2", /external data file/],
    ["data-name.qcow2", /names an external data file/],
    ["corrupt.qcow2", /corrupt/],
  ])(
    "refuses the qcow2 image %s, which reaches past itself or cannot be trusted",
    async (name, reason) => {
      const err = await rejection(resolveImage({ id: "x", location: name }, dir));
      expect(err.path).toBe("/image/location");
      expect(err.reason).toMatch(reason);
    },
  );

  it("refuses a qcow2 image qemu-img made with an external data file", async (ctx) => {
    try {
      execFileSync("qemu-img", ["--version"], { stdio: "ignore" });
    } catch {
      ctx.skip(); // qemu-utils comes with the QEMU certification's packages
    }
    execFileSync("qemu-img", [
      "create",
      "-q",
      "-f",
      "qcow2",
      "-o",
      `data_file=${join(dir, "data.raw")}`,
      join(dir, "qemu-data-file.qcow2"),
      "1M",
    ]);
    const err = await rejection(resolveImage({ id: "x", location: "qemu-data-file.qcow2" }, dir));
    expect(err.reason).toMatch(/external data file/);
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

  it("refuses an absolute location that walks out of the image directory", async () => {
    const err = await rejection(
      resolveImage({ id: "x", location: `${dir}/../../../../etc/passwd` }, dir),
    );
    expect(err.reason).toMatch(/outside/);
  });

  it("says what is missing: the file, or the image directory", async () => {
    const missing = await rejection(resolveImage({ id: "nope" }, dir));
    expect(missing.reason).toMatch(/no such file/);
    const noDir = await rejection(resolveImage({ id: "plain.raw" }, undefined));
    expect(noDir.reason).toMatch(/imageDir/);
    const noDirAbsolute = await rejection(
      resolveImage({ id: "x", location: join(dir, "plain.raw") }, undefined),
    );
    expect(noDirAbsolute.reason).toMatch(/imageDir/);
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
    const doc = parseXml(rootVolumeXml(uuid, 3 * GiB, image));
    const volume = doc.documentElement;
    expect(rootVolumeName(uuid)).toBe(`nk-${uuid}-root.qcow2`);
    expect(rootVolumeOwner(rootVolumeName(uuid))).toBe(uuid);
    expect(rootVolumeOwner("nk-not-a-uuid-root.qcow2")).toBeUndefined();
    expect(rootVolumeOwner(`other-${uuid}.img`)).toBeUndefined();
    expect(volume?.localName).toBe("volume");
    expect(doc.getElementsByTagName("name")[0]?.textContent).toBe(`nk-${uuid}-root.qcow2`);
    const capacity = doc.getElementsByTagName("capacity")[0];
    expect([capacity?.getAttribute("unit"), capacity?.textContent]).toEqual([
      "bytes",
      `${3 * GiB}`,
    ]);
    const [target, backing] = [...doc.getElementsByTagName("format")].map((f) =>
      f.getAttribute("type"),
    );
    expect([target, backing]).toEqual(["qcow2", "raw"]);
    expect(
      doc.getElementsByTagName("backingStore")[0]?.getElementsByTagName("path")[0]?.textContent,
    ).toBe(image.path);
  });
});
