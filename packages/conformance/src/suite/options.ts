import type { DriverDefinition } from "@novakit/driver-api";

/**
 * What the suite certifies and how patiently.
 *
 * @public
 */
export interface SuiteOptions {
  /**
   * The driver: a package name or path (loaded with `loadDriver`, manifest
   * and all), or a definition made by `defineDriver` (the manifest checks are
   * then skipped, with that reason).
   */
  readonly driver: string | DriverDefinition;
  /** The driver's config. */
  readonly config?: unknown;
  /** Where a package name is resolved from; default the current directory. */
  readonly fromDir?: string;
  /** Names every resource of this run, so leftovers of an interrupted run can be found. Default: random. */
  readonly runId?: string;
  /** How long an expected lifecycle event may take to arrive. Default 5000 ms. */
  readonly eventTimeoutMs?: number;
  /** How long to keep listening for events that should not come. Default 50 ms. */
  readonly eventSettleMs?: number;
  /** The deadline of each driver call. Default 60 000 ms. */
  readonly callTimeoutMs?: number;
  /** The grace period the suite gives powerOff. Default 0 (force at once). */
  readonly powerOffGraceMs?: number;
  /** How many operations the concurrency tests run at once. Default 8. */
  readonly concurrency?: number;
  /** The image the suite's instances boot, as the driver understands it. */
  readonly image?: {
    readonly id: string;
    readonly location?: string;
    readonly format?: "raw" | "qcow2";
  };
  /** The flavor of the suite's instances. Default 1 vCPU, 128 MiB, no disk. */
  readonly flavor?: {
    readonly vcpus: number;
    readonly memoryMiB: number;
    readonly rootDiskGiB: number;
  };
  /** The network name the interface tests attach to. Default "default". */
  readonly network?: string;
  /** Where the block-device tests find a volume, as the driver understands it. */
  readonly volumeSource?: string;
  /** Run the benchmark group, with this many iterations per operation. */
  readonly bench?: { readonly iterations: number } | false;
  /** Run only the tests whose name matches this regular expression. */
  readonly only?: string;
  /** Skip the tests whose name matches this regular expression. */
  readonly skip?: string;
}

/** Options with their defaults applied. */
export interface ResolvedSuiteOptions {
  readonly driver: string | DriverDefinition;
  readonly config: unknown;
  readonly fromDir: string;
  readonly runId: string;
  readonly eventTimeoutMs: number;
  readonly eventSettleMs: number;
  readonly callTimeoutMs: number;
  readonly powerOffGraceMs: number;
  readonly concurrency: number;
  readonly image: {
    readonly id: string;
    readonly location?: string;
    readonly format?: "raw" | "qcow2";
  };
  readonly flavor: {
    readonly vcpus: number;
    readonly memoryMiB: number;
    readonly rootDiskGiB: number;
  };
  readonly network: string;
  readonly volumeSource: string;
  readonly bench: { readonly iterations: number } | false;
}

export function resolveSuiteOptions(options: SuiteOptions): ResolvedSuiteOptions {
  return {
    driver: options.driver,
    config: options.config ?? {},
    fromDir: options.fromDir ?? process.cwd(),
    runId: options.runId ?? Math.random().toString(36).slice(2, 10),
    eventTimeoutMs: options.eventTimeoutMs ?? 5_000,
    eventSettleMs: options.eventSettleMs ?? 50,
    callTimeoutMs: options.callTimeoutMs ?? 60_000,
    powerOffGraceMs: options.powerOffGraceMs ?? 0,
    concurrency: options.concurrency ?? 8,
    image: options.image ?? { id: "novakit-conformance-image" },
    flavor: options.flavor ?? { vcpus: 1, memoryMiB: 128, rootDiskGiB: 0 },
    network: options.network ?? "default",
    volumeSource: options.volumeSource ?? "novakit-conformance-volume",
    bench: options.bench ?? false,
  };
}
