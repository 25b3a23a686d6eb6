import type { Capability, DriverOperation } from "@novakit/driver-api";
import { CAPABILITY_NAMES, DEFAULT_TIMEOUTS_MS } from "@novakit/driver-api";

/**
 * The reference driver's settings. Every field is optional.
 *
 * @public
 */
export interface FakeDriverConfig {
  /** The host name reported, and the key live migration finds this host by. */
  hostname?: string;
  /** Simulated latency in ms, for every operation or per operation. Default 0. */
  latencyMs?: number | Partial<Record<DriverOperation, number>>;
  /** Which capabilities to declare; default all of them. */
  capabilities?: Capability[];
  /** The host's capacity. */
  host?: { vcpus?: number; memoryMiB?: number; diskGiB?: number };
  /**
   * Whether guests honor a clean shutdown request (default true). When
   * false, power-off waits the full grace period and then forces the guest off.
   */
  cleanShutdown?: boolean;
}

/** The config after defaults. */
export interface ResolvedFakeConfig {
  readonly hostname: string;
  readonly latencyMs: Readonly<Partial<Record<DriverOperation, number>>>;
  readonly defaultLatencyMs: number;
  readonly capabilities: readonly Capability[];
  readonly host: { readonly vcpus: number; readonly memoryMiB: number; readonly diskGiB: number };
  readonly cleanShutdown: boolean;
}

const operations = Object.keys(DEFAULT_TIMEOUTS_MS);
const latency = { type: "number", minimum: 0, maximum: 600_000 };

/**
 * The config's JSON Schema. Closed: a misspelt setting is an error, not a
 * silently ignored line.
 *
 * @public
 */
export const fakeConfigSchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://novakit.dev/schemas/driver-fake/config.json",
  type: "object",
  additionalProperties: false,
  properties: {
    hostname: { type: "string", pattern: "^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$" },
    latencyMs: {
      oneOf: [
        latency,
        {
          type: "object",
          additionalProperties: false,
          properties: Object.fromEntries(operations.map((op) => [op, latency])),
        },
      ],
    },
    capabilities: {
      type: "array",
      uniqueItems: true,
      items: { type: "string", enum: [...CAPABILITY_NAMES] },
    },
    host: {
      type: "object",
      additionalProperties: false,
      properties: {
        vcpus: { type: "integer", minimum: 1, maximum: 100_000 },
        memoryMiB: { type: "integer", minimum: 64 },
        diskGiB: { type: "integer", minimum: 1 },
      },
    },
    cleanShutdown: { type: "boolean" },
  },
} as const;

export function resolveConfig(config: FakeDriverConfig | undefined): ResolvedFakeConfig {
  const latencyMs = config?.latencyMs ?? 0;
  return {
    hostname: config?.hostname ?? "fake-host",
    latencyMs: typeof latencyMs === "number" ? {} : latencyMs,
    defaultLatencyMs: typeof latencyMs === "number" ? latencyMs : 0,
    capabilities: config?.capabilities ?? [...CAPABILITY_NAMES],
    host: {
      vcpus: config?.host?.vcpus ?? 64,
      memoryMiB: config?.host?.memoryMiB ?? 262_144,
      diskGiB: config?.host?.diskGiB ?? 4_096,
    },
    cleanShutdown: config?.cleanShutdown ?? true,
  };
}
