/**
 * The Xen driver's settings.
 *
 * @public
 */
export interface XenDriverConfig {
  /** How xl is run, and where the state directory lives: dom0 itself, or a dom0 over ssh. */
  transport?: { type: "local" } | SshTransportConfig;
  /** The xl command, program then leading arguments (default ["xl"]). The simulator: ["node", ".../xl-sim.mjs", "--state", dir]. */
  xlCommand?: string[];
  /** Where instances' xl.cfg files and save images live in dom0 (default /var/lib/novakit/xen). */
  stateDir?: string;
  /** The guest type (default "pvh"). */
  guestType?: "pvh" | "pv";
  /** The kernel every instance boots directly, a path in dom0. */
  kernel: string;
  /** The initramfs booted with `kernel`. */
  ramdisk?: string;
  /** The kernel command line (default "console=hvc0"). */
  cmdline?: string;
  /** Where xenconsoled logs guests' consoles (guest-<domain>.log); enables console-output when it exists. */
  consoleLogDir?: string;
  /** How often domains are polled for changes made behind the driver's back, in ms (default 1000; 0: never). */
  pollIntervalMs?: number;
  /** How long after an operation its instance's polled states are its own, in ms (default 500). */
  eventQuietMs?: number;
  /** How long a soft reboot waits for the guest to restart before it resets it, in ms (default 120000). */
  rebootTimeoutMs?: number;
}

/** ssh to dom0, sharing one connection between commands. @public */
export interface SshTransportConfig {
  type: "ssh";
  host: string;
  port?: number;
  user?: string;
  identityFile?: string;
  knownHostsFile?: string;
  connectTimeoutSeconds?: number;
  /** Connections commands may use at once, each carrying one command at a time (default 3). */
  connections?: number;
}

/** The config's JSON Schema. Closed: a misspelt setting is refused by name. @public */
export const xenConfigSchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://novakit.dev/schemas/driver-xen/config.json",
  type: "object",
  additionalProperties: false,
  required: ["kernel"],
  properties: {
    transport: {
      oneOf: [
        {
          type: "object",
          additionalProperties: false,
          required: ["type"],
          properties: { type: { const: "local" } },
        },
        {
          type: "object",
          additionalProperties: false,
          required: ["type", "host"],
          properties: {
            type: { const: "ssh" },
            host: { type: "string", minLength: 1, maxLength: 255, pattern: "^[A-Za-z0-9.:_-]+$" },
            port: { type: "integer", minimum: 1, maximum: 65535 },
            user: { type: "string", pattern: "^[a-z_][a-z0-9_-]{0,31}$" },
            identityFile: { type: "string", pattern: "^/" },
            knownHostsFile: { type: "string", pattern: "^/" },
            connectTimeoutSeconds: { type: "integer", minimum: 1, maximum: 300 },
            connections: { type: "integer", minimum: 1, maximum: 16 },
          },
        },
      ],
    },
    xlCommand: {
      type: "array",
      minItems: 1,
      maxItems: 32,
      items: { type: "string", minLength: 1, pattern: "^[^\\u0000]*$" },
    },
    stateDir: { type: "string", pattern: "^/[A-Za-z0-9._/-]*$", maxLength: 200 },
    guestType: { type: "string", enum: ["pvh", "pv"] },
    kernel: { type: "string", pattern: "^/[^\\u0000\\n\\r]*$" },
    ramdisk: { type: "string", pattern: "^/[^\\u0000\\n\\r]*$" },
    cmdline: { type: "string", maxLength: 1024, pattern: "^[^\\u0000\\n\\r]*$" },
    consoleLogDir: { type: "string", pattern: "^/[A-Za-z0-9._/-]*$" },
    pollIntervalMs: { type: "integer", minimum: 0, maximum: 600_000 },
    eventQuietMs: { type: "integer", minimum: 0, maximum: 60_000 },
    rebootTimeoutMs: { type: "integer", minimum: 1000, maximum: 3_600_000 },
  },
} as const;
