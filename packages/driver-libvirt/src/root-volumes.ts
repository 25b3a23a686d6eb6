import { basename } from "node:path";
import type { SpawnRequest } from "@novakit/driver-api";
import type { StoragePool, StorageVol } from "@novakit/node-libvirt";
import {
  resolveImage,
  rootDiskBytes,
  rootVolumeName,
  rootVolumeOwner,
  rootVolumeXml,
} from "./root-disk.js";
import { childElements, parseXml } from "./xml.js";

const GiB = 1024 ** 3;

/** A root disk made for a spawn: the volume and the path the domain's vda reads. */
export interface RootDisk {
  readonly volume: StorageVol;
  readonly path: string;
}

/**
 * The instances' root disks in the configured storage pool: qcow2 volumes
 * named nk-<uuid>-root.qcow2, over their images. The name is the only link
 * between a volume and its instance, so a volume whose instance has no
 * domain is a leftover (of a spawn or a destroy cut off) and can be found
 * and removed by name.
 */
export class RootVolumes {
  readonly #pool: StoragePool;
  readonly #imageDir: string | undefined;

  constructor(pool: StoragePool, imageDir: string | undefined) {
    this.#pool = pool;
    this.#imageDir = imageDir;
  }

  /**
   * A qcow2 volume over the request's image, sized by the flavor (or the
   * image when it says 0). The caller knows no domain of this UUID exists,
   * so a volume already there under its name is a leftover: it is removed
   * and the volume made again, so the retry of a crashed spawn succeeds.
   */
  async create(request: SpawnRequest): Promise<RootDisk> {
    const image = await resolveImage(request.image, this.#imageDir);
    const bytes = rootDiskBytes(request.flavor.rootDiskGiB, image, request.image.id);
    const xml = rootVolumeXml(request.uuid, bytes, image);
    let volume: StorageVol;
    try {
      volume = await this.#pool.volumeCreateXML(xml);
    } catch (err) {
      if (!(await this.remove(request.uuid))) throw err;
      volume = await this.#pool.volumeCreateXML(xml);
    }
    try {
      return { volume, path: await volume.getPath() };
    } catch (err) {
      await volume.delete().catch(() => {});
      throw err;
    }
  }

  /** Removes the instance's root volume; false when it had none. */
  async remove(uuid: string): Promise<boolean> {
    const volume = await this.#pool.volumeLookupByName(rootVolumeName(uuid)).catch(() => undefined);
    if (volume === undefined) return false;
    await volume.delete();
    return true;
  }

  /** The UUIDs that have a root volume in the pool. */
  async owners(): Promise<string[]> {
    await this.#pool.refresh().catch(() => {}); // files made or removed behind libvirt's back
    const volumes = await this.#pool.listAllVolumes();
    const paths = await Promise.all(volumes.map((v) => v.getPath().catch(() => "")));
    return paths
      .map((path) => rootVolumeOwner(basename(path)))
      .filter((uuid): uuid is string => uuid !== undefined);
  }

  /** The pool's size and what is allocated in it, in whole GiB, from libvirt's description of it. */
  async usageGiB(): Promise<{ total: number; used: number }> {
    const root = parseXml(await this.#pool.getXMLDesc()).documentElement;
    const bytes = (name: string): number => {
      const el = root === null ? undefined : childElements(root, name)[0];
      const value = Number(el?.textContent ?? "0");
      return Number.isFinite(value) ? value : 0;
    };
    const total = Math.floor(bytes("capacity") / GiB);
    return { total, used: Math.min(total, Math.ceil(bytes("allocation") / GiB)) };
  }
}
