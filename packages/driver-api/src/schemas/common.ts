import { type TSchema, type TUnsafe, Type } from "@sinclair/typebox";

/** The JSON Schema dialect every schema of the contract is written in. */
export const SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema";

/** Where the contract's schemas are published; each `$id` lives under it. */
export const SCHEMA_BASE = "https://novakit.dev/schemas/driver-api/v1/";

/**
 * A string enum as a plain `enum` keyword (not TypeBox's `anyOf` of
 * literals), so validation errors read "must be one of …".
 */
export function StringEnum<const T extends readonly string[]>(
  values: T,
  options: { description?: string } = {},
): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: "string", enum: [...values], ...options });
}

/** Gives a schema its published identity. */
export function identify<T extends TSchema>(name: string, schema: T): T {
  return { $schema: SCHEMA_DIALECT, $id: `${SCHEMA_BASE}${name}.json`, ...schema };
}

/**
 * An instance UUID, lower-case RFC 9562 text form. The core assigns it;
 * drivers never invent one and never name an instance any other way.
 */
export const Uuid = Type.String({
  pattern: "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
  description: "lower-case UUID",
});

/**
 * Any Unicode text but NUL, which no hypervisor configuration format can
 * carry, and lone UTF-16 surrogates, which are not Unicode text at all and
 * cannot be written as UTF-8 (XML, xl.cfg, JSON on the wire). Written to mean
 * the same with and without a regular expression's Unicode mode: a code
 * unit that is no surrogate, or a high surrogate followed by a low one.
 * Refusing lone surrogates is new in 1.1.0.
 */
export const TEXT_PATTERN = "^(?:[^\\u0000\\ud800-\\udfff]|[\\ud800-\\udbff][\\udc00-\\udfff])*$";

/**
 * Free text that must survive the trip to the hypervisor and back unchanged:
 * see TEXT_PATTERN.
 */
export function Text(options: { minLength?: number; maxLength: number; description?: string }) {
  return Type.String({ pattern: TEXT_PATTERN, ...options });
}

/** Every power state an instance can be observed in. @public */
export const POWER_STATES = ["running", "paused", "suspended", "stopped", "crashed"] as const;

/**
 * The observable power state of an instance.
 *
 * - `running`: vCPUs are executing.
 * - `paused`: memory is held, vCPUs are stopped (pause).
 * - `suspended`: memory is saved to disk and the instance holds no CPU or RAM (suspend).
 * - `stopped`: powered off; disks are kept.
 * - `crashed`: the guest or its emulator died; only power-off, hard reboot, power-on and destroy apply.
 *
 * @public
 */
export type PowerState = (typeof POWER_STATES)[number];
export const PowerStateSchema = StringEnum(POWER_STATES);

/**
 * Nova's limits for instance metadata: 128 items, 255 characters a key or
 * value. Written out by hand because a TypeBox record drops the key's length
 * limits.
 */
export const Metadata = Type.Unsafe<Record<string, string>>({
  type: "object",
  maxProperties: 128,
  propertyNames: { type: "string", minLength: 1, maxLength: 255, pattern: TEXT_PATTERN },
  additionalProperties: { type: "string", maxLength: 255, pattern: TEXT_PATTERN },
  description: "free-form key/value pairs kept with the instance and returned unchanged",
});

export const MacAddress = Type.String({
  pattern: "^[0-9a-f]{2}(:[0-9a-f]{2}){5}$",
  description: "lower-case colon-separated MAC address",
});
