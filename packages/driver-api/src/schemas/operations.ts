import { Type } from "@sinclair/typebox";
import { identify, StringEnum, Text } from "./common.js";

export const RebootSpecSchema = identify(
  "reboot-spec",
  Type.Object({ type: StringEnum(["soft", "hard"] as const) }, { additionalProperties: false }),
);

export const PowerOffSpecSchema = identify(
  "power-off-spec",
  Type.Object(
    {
      graceMs: Type.Integer({
        minimum: 0,
        maximum: 3_600_000,
        description: "how long the guest may take to shut down cleanly before it is forced off",
      }),
    },
    { additionalProperties: false },
  ),
);

export const ResizeSpecSchema = identify(
  "resize-spec",
  Type.Object(
    {
      vcpus: Type.Integer({ minimum: 1, maximum: 1024 }),
      memoryMiB: Type.Integer({ minimum: 64, maximum: 16_777_216 }),
    },
    { additionalProperties: false },
  ),
);

export const ConsoleOutputSpecSchema = identify(
  "console-output-spec",
  Type.Object(
    { maxBytes: Type.Optional(Type.Integer({ minimum: 1, maximum: 16_777_216 })) },
    { additionalProperties: false },
  ),
);

export const ConsoleOutputSchema = identify(
  "console-output",
  Type.Object({
    data: Type.String({ description: "the newest output, decoded as UTF-8 with replacement" }),
    truncated: Type.Boolean({ description: "true when older output was left out" }),
  }),
);

export const MigrationSpecSchema = identify(
  "migration-spec",
  Type.Object(
    {
      destination: Text({
        minLength: 1,
        maxLength: 1024,
        description: "the destination host's driver URI",
      }),
      bandwidthMiBps: Type.Optional(Type.Integer({ minimum: 1 })),
    },
    { additionalProperties: false },
  ),
);

/** Soft asks the guest to restart; hard resets it. @public */
export interface RebootSpec {
  type: "soft" | "hard";
}
/** How long a clean shutdown may take before power is cut. @public */
export interface PowerOffSpec {
  /** How long the guest may take to shut down cleanly before it is forced off. */
  graceMs: number;
}
/** New vCPUs and memory for a stopped instance. @public */
export interface ResizeSpec {
  vcpus: number;
  memoryMiB: number;
}
/** How much console output to return. @public */
export interface ConsoleOutputSpec {
  /** At most this many bytes of the newest output; {@link DEFAULT_CONSOLE_OUTPUT_BYTES} when absent. */
  maxBytes?: number;
}

/**
 * How many bytes of the newest console output `getConsoleOutput` returns
 * when the spec names no `maxBytes`: 1 MiB, counted in the guest's bytes.
 *
 * @public
 * @since 1.1.0
 */
export const DEFAULT_CONSOLE_OUTPUT_BYTES = 1_048_576;
/** The newest console output of an instance. @public */
export interface ConsoleOutput {
  /** The newest output, decoded as UTF-8 with replacement. */
  data: string;
  /** True when older output was left out. */
  truncated: boolean;
}
/** Where to move an instance. Declared in 1.0; no driver is required to honor it. @public */
export interface MigrationSpec {
  /** The destination host's driver URI. */
  destination: string;
  bandwidthMiBps?: number;
}
