import type { CreateInstanceRequest } from "../conductor/types.js";
import { InvalidInput } from "../errors.js";

// The service layer's checks of shape, before anything reaches the
// conductor: each failure names the field, and nothing is created. Whether
// a flavor or image exists is the conductor's to say (NotFound, with the
// field), since only it reads the database.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// C0 and C1 controls, DEL, and the bidirectional overrides that make a name
// display as something else; lone surrogates are checked separately.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const HOSTILE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** A UUID in its canonical lower-case form, or InvalidInput naming `field`. @public */
export function checkUuid(value: unknown, field = "uuid"): string {
  if (typeof value !== "string" || !UUID.test(value))
    throw new InvalidInput(field, "must be a UUID");
  return value.toLowerCase();
}

/** Text a person typed: 1..max characters, no control characters, no broken Unicode. @public */
export function checkText(
  value: unknown,
  field: string,
  options: { max: number; min?: number; trimmed?: boolean },
): string {
  if (typeof value !== "string") throw new InvalidInput(field, "must be a string");
  if (value.length < (options.min ?? 1))
    throw new InvalidInput(field, `must be at least ${options.min ?? 1} characters`);
  if (value.length > options.max)
    throw new InvalidInput(field, `must be at most ${options.max} characters`);
  if (HOSTILE.test(value))
    throw new InvalidInput(field, "must not contain control or direction-override characters");
  if (LONE_SURROGATE.test(value)) throw new InvalidInput(field, "must be valid Unicode");
  if (options.trimmed && value.trim() !== value)
    throw new InvalidInput(field, "must not start or end with whitespace");
  return value;
}

function checkMetadata(value: unknown): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new InvalidInput("metadata", "must be an object of strings");
  const entries = Object.entries(value);
  if (entries.length > 128) throw new InvalidInput("metadata", "must have at most 128 items");
  const out: Record<string, string> = {};
  for (const [key, v] of entries) {
    const field = `metadata/${key}`;
    checkText(key, "metadata key", { max: 255 });
    if (key === "__proto__") throw new InvalidInput(field, "is not an allowed key");
    out[key] = checkText(v, field, { max: 255, min: 0 });
  }
  return out;
}

const CREATE_FIELDS = new Set([
  "name",
  "flavorId",
  "imageId",
  "metadata",
  "description",
  "availabilityZone",
  "serverGroupId",
]);

/** Checks a create request field by field; unknown fields are refused, not ignored. @public */
export function checkCreateRequest(input: unknown): CreateInstanceRequest {
  if (typeof input !== "object" || input === null || Array.isArray(input))
    throw new InvalidInput("body", "must be an object");
  const r = input as Record<string, unknown>;
  for (const key of Object.keys(r))
    if (!CREATE_FIELDS.has(key)) throw new InvalidInput(key, "is not a known field");
  return {
    name: checkText(r.name, "name", { max: 255, trimmed: true }),
    flavorId: checkText(r.flavorId, "flavorId", { max: 255 }),
    imageId: checkText(r.imageId, "imageId", { max: 255 }),
    metadata: checkMetadata(r.metadata),
    description:
      r.description === undefined || r.description === null
        ? null
        : checkText(r.description, "description", { max: 255, min: 0 }),
    availabilityZone:
      r.availabilityZone === undefined || r.availabilityZone === null
        ? null
        : checkText(r.availabilityZone, "availabilityZone", { max: 255 }),
    serverGroupId:
      r.serverGroupId === undefined || r.serverGroupId === null
        ? null
        : checkUuid(r.serverGroupId, "serverGroupId"),
  };
}
