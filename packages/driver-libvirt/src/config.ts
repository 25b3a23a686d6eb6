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
  /** Worker threads for libvirt calls; by default 1 in process, 8 through a daemon. */
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
  },
} as const;
