import type { TSchema } from "@sinclair/typebox";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { InvalidSpec } from "./errors.js";
import { TEXT_PATTERN } from "./schemas/common.js";

// ajv-formats ships CommonJS with a default export; under NodeNext the
// callable sits on `.default` at type level but not always at run time.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (
  ajv: Ajv2020,
  options: { mode: "fast" | "full"; formats: string[] },
) => Ajv2020;

/**
 * One ajv instance for every contract schema. `allErrors` is off: the first
 * bad field is enough to name, and stopping there keeps validation cheap on
 * the hot path.
 */
// `unicodeRegExp: false`: the contract's patterns need no Unicode-mode
// features, and non-Unicode regular expressions run markedly faster.
const ajv = new Ajv2020({
  allErrors: false,
  strict: true,
  useDefaults: false,
  unicodeRegExp: false,
});
addFormats(ajv, { mode: "fast", formats: ["date-time"] });
// TypeBox stores its bookkeeping under symbol keys, which ajv never sees;
// the string keywords below are the only non-standard ones it may emit.
ajv.addKeyword("kind").addKeyword("modifier");

/**
 * A compiled check for one contract shape.
 *
 * @public
 */
export interface Validator<T> {
  /** True when `value` conforms; narrows it to `T`. */
  is(value: unknown): value is T;
  /** Returns `value` as `T`, or throws `InvalidSpec` naming the first bad field. */
  assert(value: unknown): T;
}

/**
 * Compiles `schema` once into a {@link Validator}. Use it for your driver's
 * own shapes (its config, say) so its errors read like the contract's.
 *
 * @public
 */
export function compileValidator<T>(schema: object): Validator<T> {
  // A contract schema embedded in another (an attached device inside
  // instance info) is registered under its $id when the parent compiles;
  // compiling it again under the same id is an error, so reuse it.
  const id = (schema as { $id?: unknown }).$id;
  const check: ValidateFunction =
    (typeof id === "string" && ajv.getSchema(id)) || ajv.compile(schema);
  return {
    is: (value: unknown): value is T => check(value),
    assert(value: unknown): T {
      if (check(value)) return value as T;
      throw toInvalidSpec(check.errors?.[0]);
    },
  };
}

/** Compiles a TypeBox schema; the type comes with it. */
export function validatorFor<S extends TSchema>(schema: S): Validator<S["static"]> {
  return compileValidator<S["static"]>(schema);
}

function toInvalidSpec(error: ErrorObject | undefined): InvalidSpec {
  if (error === undefined) return new InvalidSpec("", "is not valid");
  // A bad key fails inside `propertyNames`: ajv reports that failure first,
  // marked with the key, before the `propertyNames` error. Name the key.
  const { propertyName, ...inner } = error;
  if (propertyName !== undefined) {
    return new InvalidSpec(
      `${error.instancePath}/${escapePointer(propertyName)}`,
      `is not an allowed key: ${toInvalidSpec(inner).reason}`,
    );
  }
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "required":
      return new InvalidSpec(
        `${error.instancePath}/${escapePointer(String(params.missingProperty))}`,
        "is required",
      );
    case "additionalProperties":
      return new InvalidSpec(
        `${error.instancePath}/${escapePointer(String(params.additionalProperty))}`,
        "is not a known field; remove it or check its spelling",
      );
    case "enum":
      return new InvalidSpec(
        error.instancePath,
        `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`,
      );
    case "pattern":
      return new InvalidSpec(error.instancePath, describePattern(String(params.pattern)));
    case "propertyNames":
      return new InvalidSpec(
        `${error.instancePath}/${escapePointer(String(params.propertyName))}`,
        "is not an allowed key",
      );
    default:
      return new InvalidSpec(error.instancePath, error.message ?? "is not valid");
  }
}

/** Patterns the contract uses, said in words a person can act on. */
function describePattern(pattern: string): string {
  if (pattern.includes("[0-9a-f]{8}-")) return "must be a lower-case UUID";
  if (pattern === TEXT_PATTERN) {
    return "must not contain NUL characters or lone UTF-16 surrogates (text must be valid Unicode)";
  }
  if (pattern.includes("(:[0-9a-f]{2}){5}"))
    return "must be a lower-case MAC address like 52:54:00:12:34:56";
  return `must match ${pattern}`;
}

function escapePointer(segment: string): string {
  return segment.replaceAll("~", "~0").replaceAll("/", "~1");
}
