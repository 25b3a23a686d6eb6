import { describe, expect, it } from "vitest";
import { NovaErrorCode, ObjectVersionUnsupported } from "../src/errors.js";
import { defineObject, fingerprint, fromPrimitive, toPrimitive } from "../src/objects/base.js";
import { type Instance, InstanceObject } from "../src/objects/instance.js";
import { OBJECTS } from "../src/objects/registry.js";

/**
 * Nova's object hash test: every object's fields, pinned to its version.
 * When this fails, an object's fields changed. If the change is deliberate,
 * bump the object's version (and give older readers a makeCompatible path),
 * then record the new fingerprint here. Never update a fingerprint without
 * bumping the version before it.
 */
const EXPECTED_FINGERPRINTS: Record<string, string> = {
  Instance: "1.1-15d56129763c2ced",
  RequestSpec: "1.0-992edfb620d6e35b",
  Selection: "1.0-6ded60e4bce7bd6a",
  HostReport: "1.0-0140efbd0f8507ad",
  ResourceProvider: "1.0-c182cc4c422c4ef9",
};

const instance: Instance = {
  uuid: "9b0b1b1e-3f7e-4b9b-8f3e-3a1f0e0c0d0a",
  displayName: "web",
  description: "the front end",
  projectId: "p",
  userId: "u",
  flavor: { id: "m1", name: "m1", vcpus: 1, memoryMiB: 512, rootDiskGiB: 1, ephemeralDiskGiB: 0 },
  image: { id: "cirros", location: null, format: null },
  metadata: { a: "b" },
  vmState: "active",
  taskState: null,
  powerState: "running",
  host: "h1",
  availabilityZone: null,
  serverGroupId: null,
  version: 3,
  createdAt: 1,
  launchedAt: 2,
};

describe("versioned objects", () => {
  it("pins every object's fields to its version (the object hash test)", () => {
    const actual = Object.fromEntries(
      Object.values(OBJECTS).map((def) => [def.name, fingerprint(def)]),
    );
    expect(actual).toEqual(EXPECTED_FINGERPRINTS);
  });

  it("a field change without a version bump changes the fingerprint, so the test above fails", () => {
    const before = fingerprint(InstanceObject as never);
    const changed = defineObject<Record<string, unknown>>({
      name: InstanceObject.name,
      version: InstanceObject.version,
      fields: { ...InstanceObject.fields, extra: { type: "string" } },
    });
    expect(fingerprint(changed as never)).not.toBe(before);
    expect(fingerprint(changed as never).startsWith("1.1-")).toBe(true);
  });

  it("backports Instance to 1.0 for an older reader by dropping what 1.0 lacks", () => {
    const p = toPrimitive(InstanceObject, instance, "1.0");
    expect(p["nova_object.version"]).toBe("1.0");
    expect(p["nova_object.data"]).not.toHaveProperty("description");
    const old = fromPrimitive(InstanceObject, p, "1.0");
    expect(old.description).toBeNull();
    expect(old.displayName).toBe("web");
    expect(fromPrimitive(InstanceObject, toPrimitive(InstanceObject, instance))).toEqual(instance);
  });

  it("a reader refuses an object newer than it knows, and one of another major", () => {
    const p = toPrimitive(InstanceObject, instance);
    expect(() => fromPrimitive(InstanceObject, p, "1.0")).toThrow(ObjectVersionUnsupported);
    const other = { ...p, "nova_object.version": "2.0" };
    expect(() => fromPrimitive(InstanceObject, other)).toThrow(
      expect.objectContaining({ code: NovaErrorCode.ObjectVersion }),
    );
    expect(() => toPrimitive(InstanceObject, instance, "1.2")).toThrow(ObjectVersionUnsupported);
  });

  it("refuses a primitive whose fields have the wrong types, naming the field", () => {
    const p = toPrimitive(InstanceObject, instance);
    const bad = { ...p, "nova_object.data": { ...p["nova_object.data"], version: "three" } };
    expect(() => fromPrimitive(InstanceObject, bad)).toThrow(
      expect.objectContaining({ fields: { field: "Instance.version", reason: "must be int" } }),
    );
    expect(() => fromPrimitive(InstanceObject, { "nova_object.name": "Other" })).toThrow(
      expect.objectContaining({ code: NovaErrorCode.InvalidInput }),
    );
  });
});
