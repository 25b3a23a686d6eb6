import { getFlavor, getImage } from "../db/repos/catalog.js";
import type { Db } from "../db/repos/instances.js";
import type { FlavorRow, ImageRow, InstanceRow } from "../db/schema.js";
import type { Instance } from "../objects/instance.js";

/**
 * Flavors and images as the conductor reads them, cached: every instance
 * it sends to a compute agent embeds its flavor and image, and a boot storm
 * would otherwise read the same two rows a thousand times. Records are
 * replaced, never edited in place, so a cached copy is the record.
 */
export class Catalog {
  readonly #db: Db;
  readonly #flavors = new Map<string, FlavorRow>();
  readonly #images = new Map<string, ImageRow>();

  constructor(db: Db) {
    this.#db = db;
  }

  async flavor(id: string): Promise<FlavorRow | undefined> {
    const hit = this.#flavors.get(id);
    if (hit) return hit;
    const row = await getFlavor(this.#db, id);
    if (row) this.#flavors.set(id, row);
    return row;
  }

  async image(id: string): Promise<ImageRow | undefined> {
    const hit = this.#images.get(id);
    if (hit) return hit;
    const row = await getImage(this.#db, id);
    if (row) this.#images.set(id, row);
    return row;
  }

  forget(): void {
    this.#flavors.clear();
    this.#images.clear();
  }

  /** The record as the Instance object the roles pass around. */
  async toInstance(row: InstanceRow): Promise<Instance> {
    const flavor = await this.flavor(row.flavor_id);
    const image = await this.image(row.image_id);
    return {
      uuid: row.uuid,
      displayName: row.display_name,
      description: row.description ?? null,
      projectId: row.project_id,
      userId: row.user_id,
      flavor: {
        id: row.flavor_id,
        name: flavor?.name ?? row.flavor_id,
        vcpus: row.vcpus,
        memoryMiB: row.memory_mb,
        rootDiskGiB: row.root_gb,
        ephemeralDiskGiB: flavor?.ephemeral_gb ?? 0,
      },
      image: {
        id: row.image_id,
        location: image?.location ?? null,
        format: (image?.disk_format as "raw" | "qcow2" | null | undefined) ?? null,
      },
      metadata: JSON.parse(row.metadata) as Record<string, string>,
      vmState: row.vm_state,
      taskState: row.task_state,
      powerState: row.power_state,
      host: row.host,
      availabilityZone: row.availability_zone,
      serverGroupId: row.server_group_id,
      version: row.version,
      createdAt: row.created_at,
      launchedAt: row.launched_at,
    };
  }
}
