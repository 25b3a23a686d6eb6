import { describe, expect, it } from "vitest";
import {
  Cancelled,
  DriverError,
  DriverInternal,
  DriverLoadError,
  ErrorCode,
  errorFromJSON,
  HypervisorUnavailable,
  ImageUnusable,
  InstanceExists,
  InstanceNotFound,
  InvalidSpec,
  InvalidState,
  isDriverError,
  ResourceExhausted,
  SnapshotNotFound,
  Timeout,
  Unsupported,
} from "../src/index.js";

const UUID = "7a0c3f0e-4d8b-4c1a-9e2f-3b4c5d6e7f80";

/** One error per code, with whether it is retryable. */
const samples: [label: string, error: DriverError, retryable: boolean][] = [
  ["InstanceNotFound", new InstanceNotFound(UUID), false],
  ["InstanceExists", new InstanceExists(UUID), false],
  ["InvalidState", new InvalidState(UUID, "pause", "stopped"), false],
  ["Unsupported", new Unsupported("createSnapshot", "snapshot"), false],
  ["InvalidSpec", new InvalidSpec("/flavor/memoryMiB", "must be >= 64"), false],
  ["HypervisorUnavailable", new HypervisorUnavailable("connection refused"), true],
  ["Timeout", new Timeout("spawn", 1000), true],
  ["DriverInternal", new DriverInternal("bug"), false],
  ["Cancelled (1.1)", new Cancelled("spawn"), false],
  ["SnapshotNotFound (1.1)", new SnapshotNotFound(UUID, "snap-1"), false],
  ["ResourceExhausted (1.1)", new ResourceExhausted("disk", "storage pool novakit is full"), false],
  ["ImageUnusable (1.1)", new ImageUnusable("cirros", "qcow2 with an external data file"), false],
  [
    "DriverLoadError (driver load)",
    new DriverLoadError(ErrorCode.DriverLoad, "@acme/x", "not installed", {
      path: "",
      file: "package.json",
    }),
    false,
  ],
  [
    "DriverLoadError (manifest)",
    new DriverLoadError(ErrorCode.ManifestInvalid, "./x", "bad", { path: "/novakitDriver/name" }),
    false,
  ],
  [
    "DriverLoadError (contract range)",
    new DriverLoadError(ErrorCode.ContractRange, "x", "nope", {
      path: "/novakitDriver/contract",
      found: "^2.0.0",
      expected: "1.0.0",
    }),
    false,
  ],
  [
    "DriverLoadError (entry point)",
    new DriverLoadError(ErrorCode.EntryPoint, "x", "no entry", {
      found: "no file",
      expected: "/pkg/dist/index.js",
    }),
    false,
  ],
  [
    "DriverLoadError (config)",
    new DriverLoadError(ErrorCode.ConfigInvalid, "x", "bad config", { path: "/greeting" }),
    false,
  ],
];

describe("contract errors", () => {
  it("has a sample for every code, one code per sample", () => {
    const codes = samples.map(([, e]) => e.code);
    expect([...codes].sort()).toEqual(Object.values(ErrorCode).sort());
  });

  it.each(samples)("%s survives toJSON and errorFromJSON", (_label, error, retryable) => {
    for (const json of [error.toJSON(), JSON.parse(JSON.stringify(error))]) {
      const back = errorFromJSON(json);
      expect(back).toBeInstanceOf(error.constructor);
      expect(back.code).toBe(error.code);
      expect(back.message).toBe(error.message);
      expect(back.retryable).toBe(retryable);
      expect(back.details).toEqual(error.details);
      expect(back.name).toBe(error.name);
    }
  });

  it.each(samples)("%s is retryable only if it is HypervisorUnavailable or Timeout", (_l, e, r) => {
    expect(e.retryable).toBe(r);
    expect(e.retryable).toBe(
      e.code === "NOVAKIT_HYPERVISOR_UNAVAILABLE" || e.code === "NOVAKIT_TIMEOUT",
    );
    expect(e).toBeInstanceOf(Error);
    expect(e).toBeInstanceOf(DriverError);
  });

  it.each(Object.values(ErrorCode))(
    "recognises a plain object carrying %s, as a duplicate copy of the package would throw",
    (code) => {
      const foreign = { code, message: "from another copy", retryable: false, details: {} };
      expect(isDriverError(foreign)).toBe(true);
      expect(isDriverError(foreign, code)).toBe(true);
      const other = code === "NOVAKIT_TIMEOUT" ? "NOVAKIT_UNSUPPORTED" : "NOVAKIT_TIMEOUT";
      expect(isDriverError(foreign, other)).toBe(false);
    },
  );

  it.each<[string, unknown]>([
    ["a Node system error code", Object.assign(new Error("x"), { code: "ENOENT" })],
    ["an unknown NOVAKIT_ code", { code: "NOVAKIT_FROM_THE_FUTURE" }],
    ["a code in the wrong case", { code: "novakit_timeout" }],
    ["a code that is not a string", { code: 404 }],
    ["an Error without a code", new Error("x")],
    ["null", null],
    ["undefined", undefined],
    ["a string that is a code", "NOVAKIT_TIMEOUT"],
  ])("does not take %s for a contract error", (_label, value) => {
    expect(isDriverError(value)).toBe(false);
  });

  it("recognises the real classes too", () => {
    for (const [, error] of samples) expect(isDriverError(error, error.code)).toBe(true);
  });

  it("turns an unknown code from a newer peer into DriverInternal, keeping the message", () => {
    const back = errorFromJSON({
      code: "NOVAKIT_FROM_THE_FUTURE" as never,
      message: "m",
      retryable: true,
      details: { extra: 1 },
    });
    expect(back).toBeInstanceOf(DriverInternal);
    expect(back.code).toBe("NOVAKIT_DRIVER_INTERNAL");
    expect(back.message).toBe("m");
    expect(back.retryable).toBe(false);
  });

  it("carries the structured fields callers branch on", () => {
    expect(new InvalidState(UUID, "pause", "stopped")).toMatchObject({
      uuid: UUID,
      currentState: "stopped",
      operation: "pause",
    });
    expect(new InvalidSpec("/name", "too long")).toMatchObject({
      path: "/name",
      reason: "too long",
    });
    expect(new Timeout("spawn", 1000)).toMatchObject({ operation: "spawn", timeoutMs: 1000 });
    expect(new Unsupported("resize", "resize")).toMatchObject({
      operation: "resize",
      capability: "resize",
    });
    expect(
      new DriverLoadError(ErrorCode.ContractRange, "./x", "m", { found: "^2", expected: "1.0.0" })
        .details,
    ).toEqual({ specifier: "./x", found: "^2", expected: "1.0.0" });
  });

  it("keeps a cause given to DriverInternal and HypervisorUnavailable", () => {
    const cause = new Error("socket closed");
    expect(new DriverInternal("m", { cause }).cause).toBe(cause);
    expect(new HypervisorUnavailable("down", { cause }).cause).toBe(cause);
  });
});
