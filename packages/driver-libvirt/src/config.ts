/**
 * The libvirt driver's settings.
 *
 * @public
 */
export interface LibvirtDriverConfig {
  /** The libvirt URI: test:///default, test+unix:///default, qemu:///system, ... */
  uri: string;
  /** libvirt's domain type; by default "test" on the test driver and "qemu" (TCG) elsewhere. */
  domainType?: "test" | "qemu" | "kvm";
  /** Worker threads for libvirt calls; by default 2 in process, 8 through a daemon. */
  threads?: number;
  /** How long after an operation its own libvirt events are ignored, in ms (default 1000). */
  eventQuietMs?: number;
  /** QEMU: the kernel every instance boots directly (no bootloader), readable by QEMU. */
  kernel?: string;
  /** QEMU: the initramfs booted with `kernel`. */
  initrd?: string;
  /** QEMU: the kernel command line (default "console=ttyS0 panic=-1"). */
  cmdline?: string;
  /** QEMU: where each instance's serial console is logged, as <uuid>.log; enables console-output. */
  consoleLogDir?: string;
  /**
   * The libvirt storage pool (a directory pool) that holds each instance's
   * root disk, a qcow2 volume over its image named nk-<uuid>-root.qcow2.
   * Set, every instance gets one, and on QEMU the driver takes snapshots.
   */
  storagePool?: string;
  /**
   * The host's image cache: where a spawn's image is found, by its id or its
   * location. A location must resolve (links followed) inside it; nothing
   * outside is ever handed to a guest.
   */
  imageDir?: string;
  /**
   * The directories volumes may be attached from: a block device's source
   * must resolve (links followed) to a regular file or a block device inside
   * one of them. Set, the driver declares block-device on QEMU. Keep them
   * apart from the storage pool (other instances' root disks) and imageDir.
   */
  volumeDirs?: string[];
  /**
   * The networks instances may plug into: the core's network name -> a
   * libvirt network ("default"), or a host bridge as "bridge:br0". Set, the
   * driver creates and attaches interfaces (capability network-interface).
   */
  networks?: Record<string, string>;
}

/** The config's JSON Schema. Closed: a misspelt setting is refused by name. @public */
export const libvirtConfigSchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://novakit.dev/schemas/driver-libvirt/config.json",
  type: "object",
  additionalProperties: false,
  required: ["uri"],
  properties: {
    uri: { type: "string", minLength: 1, pattern: "^[a-z][a-z0-9+.-]*:" },
    domainType: { type: "string", enum: ["test", "qemu", "kvm"] },
    threads: { type: "integer", minimum: 1, maximum: 64 },
    eventQuietMs: { type: "integer", minimum: 0, maximum: 60_000 },
    kernel: { type: "string", pattern: "^/" },
    initrd: { type: "string", pattern: "^/" },
    cmdline: { type: "string", maxLength: 1024 },
    consoleLogDir: { type: "string", pattern: "^/" },
    storagePool: { type: "string", minLength: 1, maxLength: 255 },
    imageDir: { type: "string", pattern: "^/" },
    volumeDirs: {
      type: "array",
      minItems: 1,
      maxItems: 64,
      uniqueItems: true,
      items: { type: "string", pattern: "^/" },
    },
    networks: {
      type: "object",
      minProperties: 1,
      propertyNames: { minLength: 1, maxLength: 255 },
      additionalProperties: {
        type: "string",
        pattern: "^(bridge:)?[A-Za-z0-9][A-Za-z0-9._-]{0,254}$",
      },
    },
  },
} as const;
