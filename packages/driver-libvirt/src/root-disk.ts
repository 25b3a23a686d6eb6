import { open } from "node:fs/promises";
import { isAbsolute, join, normalize } from "node:path";
import { type ImageRef, InvalidSpec } from "@novakit/driver-api";
import { escapeXml } from "./xml.js";

/** An image file as the driver found it: where, in which format, how big to the guest. */
export interface ResolvedImage {
  readonly path: string;
  readonly format: "raw" | "qcow2";
  /** The disk size the guest sees, in bytes (a raw file's length, a qcow2 header's size). */
  readonly virtualSizeBytes: number;
}

const GiB = 1024 ** 3;
// A file name without a directory: what a relative location or an image id
// may be. Anything else could walk out of the image directory.
const PLAIN_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/;
const QCOW2_MAGIC = 0x514649fb; // "QFI\xfb"

/**
 * Finds a spawn request's image. `location` is an absolute path, or a file
 * name inside `imageDir`; without one the image's id names the file in
 * `imageDir` (a host's image cache, filled by whoever fetches images).
 * The format is read from the file, never taken on trust: a raw image is
 * never interpreted as qcow2, and a qcow2 image that names a backing file of
 * its own is refused, since that file could be anything on the host.
 */
export async function resolveImage(
  image: ImageRef,
  imageDir: string | undefined,
): Promise<ResolvedImage> {
  const pointer = image.location === undefined ? "/image/id" : "/image/location";
  const path = imagePath(image, imageDir, pointer);
  let header: Buffer;
  let size: number;
  try {
    const file = await open(path, "r");
    try {
      size = (await file.stat()).size;
      header = Buffer.alloc(72);
      await file.read(header, 0, header.length, 0);
    } finally {
      await file.close();
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : `cannot read it (${code ?? String(err)})`;
    throw new InvalidSpec(pointer, `image ${image.id} at ${path}: ${why}`);
  }
  const detected = header.readUInt32BE(0) === QCOW2_MAGIC ? "qcow2" : "raw";
  if (image.format !== undefined && image.format !== detected) {
    throw new InvalidSpec(
      "/image/format",
      `image ${image.id} is declared ${image.format} but ${path} is ${detected}`,
    );
  }
  if (detected === "raw") return { path, format: "raw", virtualSizeBytes: size };
  // qcow2 header: backing_file_offset at byte 8, virtual size at byte 24 (both big-endian u64).
  if (header.readBigUInt64BE(8) !== 0n) {
    throw new InvalidSpec(
      pointer,
      `image ${image.id} at ${path} is a qcow2 image with a backing file of its own; flatten it (qemu-img convert) first`,
    );
  }
  return { path, format: "qcow2", virtualSizeBytes: Number(header.readBigUInt64BE(24)) };
}

function imagePath(image: ImageRef, imageDir: string | undefined, pointer: string): string {
  const location = image.location;
  if (location !== undefined && isAbsolute(location)) {
    if (normalize(location) !== location || location.includes("\0")) {
      throw new InvalidSpec(pointer, "an absolute image location must be a normalized path");
    }
    return location;
  }
  const name = location ?? image.id;
  if (!PLAIN_NAME.test(name)) {
    throw new InvalidSpec(
      pointer,
      `"${name}" is not a file name the driver looks up (letters, digits, ".", "_", "-"; no directories)`,
    );
  }
  if (imageDir === undefined) {
    throw new InvalidSpec(
      pointer,
      "the image is named, not located: set imageDir in the driver's config, or give an absolute location",
    );
  }
  return join(imageDir, name);
}

/**
 * The root disk's size: the flavor's, or the image's own when the flavor
 * says 0. A flavor smaller than its image cannot hold it.
 */
export function rootDiskBytes(rootDiskGiB: number, image: ResolvedImage, imageId: string): number {
  if (rootDiskGiB === 0) return image.virtualSizeBytes;
  const bytes = rootDiskGiB * GiB;
  if (bytes < image.virtualSizeBytes) {
    throw new InvalidSpec(
      "/flavor/rootDiskGiB",
      `${rootDiskGiB} GiB is smaller than image ${imageId} (${(image.virtualSizeBytes / GiB).toFixed(2)} GiB)`,
    );
  }
  return bytes;
}

/** The name of an instance's root volume in the storage pool. */
export function rootVolumeName(uuid: string): string {
  return `nk-${uuid}-root.qcow2`;
}

/** A qcow2 volume over the image, copy-on-write: the image is only ever read. */
export function rootVolumeXml(uuid: string, capacityBytes: number, image: ResolvedImage): string {
  return [
    "<volume>",
    `<name>${escapeXml(rootVolumeName(uuid))}</name>`,
    `<capacity unit='bytes'>${capacityBytes}</capacity>`,
    "<target><format type='qcow2'/></target>",
    "<backingStore>",
    `<path>${escapeXml(image.path)}</path>`,
    `<format type='${image.format}'/>`,
    "</backingStore>",
    "</volume>",
  ].join("");
}
