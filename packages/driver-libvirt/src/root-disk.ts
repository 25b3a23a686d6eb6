import { open } from "node:fs/promises";
import { type ImageRef, InvalidSpec } from "@novakit/driver-api";
import { confineToDirectories } from "@novakit/driver-support";
import { element, serialize } from "./xml.js";

/** An image file as the driver found it: where, in which format, how big to the guest. */
export interface ResolvedImage {
  /** The image's real path, inside the image directory. */
  readonly path: string;
  readonly format: "raw" | "qcow2";
  /** The disk size the guest sees, in bytes (a raw file's length, a qcow2 header's size). */
  readonly virtualSizeBytes: number;
}

const GiB = 1024 ** 3;
const QCOW2_MAGIC = 0x514649fb; // "QFI\xfb"
// The first cluster holds the header and its extensions (clusters are 512 B
// to 2 MiB); 64 KiB covers every header qemu-img writes.
const HEADER_BYTES = 64 * 1024;

/**
 * Finds a spawn request's image. `location` (or, without one, the image's
 * id) names a file in `imageDir`, the host's image cache: a plain file name,
 * or an absolute path that resolves, every link followed, inside it. Device
 * nodes, FIFOs and directories are refused. The format is read from the
 * file, never taken on trust: a raw image is never interpreted as qcow2,
 * and a qcow2 image that points at another host file (a backing file, an
 * external data file) is refused, since that file could be anything on the
 * host (the class of CVE-2024-32498).
 */
export async function resolveImage(
  image: ImageRef,
  imageDir: string | undefined,
): Promise<ResolvedImage> {
  const pointer = image.location === undefined ? "/image/id" : "/image/location";
  if (imageDir === undefined) {
    throw new InvalidSpec(
      pointer,
      "this host has no image directory: set imageDir in the driver's config to the directory that holds images",
    );
  }
  const file = await confineToDirectories(
    image.location ?? image.id,
    [imageDir],
    pointer,
    `image ${image.id}`,
    "regular",
  );
  const header = await readHeader(file.path, pointer, image.id);
  const detected = header.length >= 4 && header.readUInt32BE(0) === QCOW2_MAGIC ? "qcow2" : "raw";
  if (image.format !== undefined && image.format !== detected) {
    throw new InvalidSpec(
      "/image/format",
      `image ${image.id} is declared ${image.format} but ${file.path} is ${detected}`,
    );
  }
  if (detected === "raw")
    return { path: file.path, format: "raw", virtualSizeBytes: file.stats.size };
  const refusal = qcow2Refusal(header);
  if (refusal !== undefined) {
    throw new InvalidSpec(pointer, `image ${image.id} at ${file.path} is a qcow2 image ${refusal}`);
  }
  return { path: file.path, format: "qcow2", virtualSizeBytes: Number(header.readBigUInt64BE(24)) };
}

async function readHeader(path: string, pointer: string, id: string): Promise<Buffer> {
  try {
    const file = await open(path, "r");
    try {
      const buffer = Buffer.alloc(HEADER_BYTES);
      const { bytesRead } = await file.read(buffer, 0, buffer.length, 0);
      return buffer.subarray(0, bytesRead);
    } finally {
      await file.close();
    }
  } catch (err) {
    throw new InvalidSpec(
      pointer,
      `image ${id} at ${path}: cannot read it (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
    );
  }
}

// qcow2's incompatible-feature bits (qemu's docs/interop/qcow2.txt).
const CORRUPT = 1n << 1n;
const EXTERNAL_DATA_FILE = 1n << 2n;
const KNOWN_INCOMPATIBLE = 0b11111n; // dirty, corrupt, external data, compression type, extended L2
const EXTENSION_END = 0;
const EXTENSION_DATA_FILE_NAME = 0x44415441; // "DATA"

/**
 * Why a qcow2 header is refused, or undefined when the image stands alone:
 * it must name no backing file, use no external data file (by the feature
 * bit or a data-file-name extension), not be marked corrupt, and carry no
 * feature this driver cannot vouch for.
 */
export function qcow2Refusal(header: Buffer): string | undefined {
  if (header.length < 72) return "whose header is cut short";
  const version = header.readUInt32BE(4);
  if (version !== 2 && version !== 3)
    return `of version ${version}, which this driver does not read`;
  if (header.readBigUInt64BE(8) !== 0n) {
    return "with a backing file of its own; flatten it (qemu-img convert) first";
  }
  if (version === 2) return undefined; // no feature bits, no extensions that name files
  if (header.length < 104) return "whose header is cut short";
  const incompatible = header.readBigUInt64BE(72);
  if (incompatible & EXTERNAL_DATA_FILE) {
    return "with an external data file; convert it to a self-contained image (qemu-img convert) first";
  }
  if (incompatible & CORRUPT) return "marked corrupt; repair it (qemu-img check -r all) first";
  if (incompatible & ~KNOWN_INCOMPATIBLE)
    return "with incompatible features this driver does not know";
  // Header extensions follow the header: type, length, data padded to 8 bytes.
  let offset = header.readUInt32BE(100);
  while (offset + 8 <= header.length) {
    const type = header.readUInt32BE(offset);
    if (type === EXTENSION_END) return undefined;
    if (type === EXTENSION_DATA_FILE_NAME) return "that names an external data file";
    offset += 8 + Math.ceil(header.readUInt32BE(offset + 4) / 8) * 8;
  }
  return "whose header extensions run past its first 64 KiB";
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

const ROOT_VOLUME =
  /^nk-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})-root\.qcow2$/;

/** The name of an instance's root volume in the storage pool. */
export function rootVolumeName(uuid: string): string {
  return `nk-${uuid}-root.qcow2`;
}

/** The instance UUID a root volume's name carries, or undefined for any other volume. */
export function rootVolumeOwner(volumeName: string): string | undefined {
  return ROOT_VOLUME.exec(volumeName)?.[1];
}

/** A qcow2 volume over the image, copy-on-write: the image is only ever read. */
export function rootVolumeXml(uuid: string, capacityBytes: number, image: ResolvedImage): string {
  return serialize(
    element("volume", {}, [
      element("name", {}, [rootVolumeName(uuid)]),
      element("capacity", { unit: "bytes" }, [String(capacityBytes)]),
      element("target", {}, [element("format", { type: "qcow2" })]),
      element("backingStore", {}, [
        element("path", {}, [image.path]),
        element("format", { type: image.format }),
      ]),
    ]),
  );
}
