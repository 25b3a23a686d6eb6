import { createHash } from "node:crypto";
import { InvalidInput, ObjectVersionUnsupported } from "../errors.js";
import { compareVersions, parseVersion } from "../rpc/version.js";

// Versioned payload objects, after oslo.versionedobjects: each object has a
// name, an X.Y version and a field list. What crosses RPC is a primitive that
// names the object and its version; a sender backports the data to the
// version its reader knows with the object's makeCompatible, and a reader
// refuses a version newer than it knows instead of guessing.

/** The types a field may have; `?` allows null. @public */
export type FieldType = "string" | "string?" | "int" | "int?" | "bool" | "json" | "string[]";

/** One field: its type and the object version that added it. @public */
export interface FieldDef {
  readonly type: FieldType;
  /** The version that introduced the field; older versions lack it. Default 1.0. */
  readonly since?: string;
}

/** An object's definition. @public */
export interface ObjectDef<T extends object> {
  readonly name: string;
  /** The current version. A field change without a bump fails the fingerprint test. */
  readonly version: string;
  readonly fields: { readonly [K in keyof T]-?: FieldDef };
  /**
   * Converts data of the current version for a reader of `target`. The
   * default drops every field added after `target`; an object whose fields
   * changed meaning converts them here as well.
   */
  readonly makeCompatible?: (data: Record<string, unknown>, target: string) => void;
}

/** What travels on the wire. @public */
export interface ObjectPrimitive {
  readonly "nova_object.name": string;
  readonly "nova_object.version": string;
  readonly "nova_object.data": Record<string, unknown>;
}

/** Checks an object definition once, where it is declared. @public */
export function defineObject<T extends object>(def: ObjectDef<T>): ObjectDef<T> {
  parseVersion(def.version);
  for (const [field, spec] of Object.entries(def.fields) as [string, FieldDef][]) {
    if (spec.since !== undefined && compareVersions(spec.since, def.version) > 0) {
      throw new Error(
        `${def.name}.${field} is since ${spec.since}, after the object's ${def.version}`,
      );
    }
  }
  return def;
}

/**
 * The fingerprint of an object's fields: the test that pins it fails when a
 * field is added, removed or retyped and the version was not bumped.
 *
 * @public
 */
export function fingerprint(def: ObjectDef<object>): string {
  const fields = Object.entries(def.fields as Record<string, FieldDef>)
    .map(([name, spec]) => `${name}:${spec.type}:${spec.since ?? "1.0"}`)
    .sort();
  const hash = createHash("sha256").update(fields.join(";")).digest("hex").slice(0, 16);
  return `${def.version}-${hash}`;
}

/** Serialises `value` at `target` (default: the current version), backporting it first. @public */
export function toPrimitive<T extends object>(
  def: ObjectDef<T>,
  value: T,
  target: string = def.version,
): ObjectPrimitive {
  if (compareVersions(target, def.version) > 0) {
    throw new ObjectVersionUnsupported(def.name, target, def.version);
  }
  const data: Record<string, unknown> = {};
  for (const [field, spec] of Object.entries(def.fields as Record<string, FieldDef>)) {
    if (compareVersions(spec.since ?? "1.0", target) > 0) continue;
    data[field] = (value as Record<string, unknown>)[field];
  }
  def.makeCompatible?.(data, target);
  return { "nova_object.name": def.name, "nova_object.version": target, "nova_object.data": data };
}

/**
 * Reads a primitive. `known` is the newest version this reader understands
 * (the current one, unless the service was pinned to speak an older release);
 * fields the sender's version lacks come back as null.
 *
 * @public
 */
export function fromPrimitive<T extends object>(
  def: ObjectDef<T>,
  primitive: unknown,
  known: string = def.version,
): T {
  const p = primitive as Partial<ObjectPrimitive> | null;
  if (p?.["nova_object.name"] !== def.name || typeof p["nova_object.version"] !== "string") {
    throw new InvalidInput(def.name, "is not a serialised object of that name");
  }
  const version = p["nova_object.version"];
  const [major] = parseVersion(version);
  const [knownMajor] = parseVersion(known);
  if (major !== knownMajor || compareVersions(version, known) > 0) {
    throw new ObjectVersionUnsupported(def.name, version, known);
  }
  const data = p["nova_object.data"] ?? {};
  const out: Record<string, unknown> = {};
  for (const [field, spec] of Object.entries(def.fields as Record<string, FieldDef>)) {
    if (compareVersions(spec.since ?? "1.0", version) > 0) {
      out[field] = spec.type === "string[]" ? [] : null;
      continue;
    }
    const v = data[field];
    if (!fieldMatches(spec.type, v)) {
      throw new InvalidInput(`${def.name}.${field}`, `must be ${spec.type}`);
    }
    out[field] = v;
  }
  return out as T;
}

function fieldMatches(type: FieldType, v: unknown): boolean {
  switch (type) {
    case "string":
      return typeof v === "string";
    case "string?":
      return v === null || typeof v === "string";
    case "int":
      return Number.isInteger(v);
    case "int?":
      return v === null || Number.isInteger(v);
    case "bool":
      return typeof v === "boolean";
    case "json":
      return v !== undefined;
    case "string[]":
      return Array.isArray(v) && v.every((s) => typeof s === "string");
  }
}
