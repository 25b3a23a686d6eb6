import { describe, expect, it } from "vitest";
import {
  type DriverError,
  DriverInternal,
  DriverLoadError,
  ErrorCode,
  errorFromJSON,
  HypervisorUnavailable,
  InstanceExists,
  InstanceNotFound,
  InvalidSpec,
  InvalidState,
  isDriverError,
  Timeout,
  Unsupported,
} from "../src/index.js";

const UUID = "7a0c3f0e-4d8b-4c1a-9e2f-3b4c5d6e7f80";
const samples: [DriverError, boolean][] = [
  [new InstanceNotFound(UUID), false],
  [new InstanceExists(UUID), false],
  [new InvalidState(UUID, "pause", "stopped"), false],
  [new Unsupported("createSnapshot", "snapshot"), false],
  [new InvalidSpec("/flavor/memoryMiB", "must be >= 64"), false],
  [new HypervisorUnavailable("connection refused"), true],
  [new Timeout("spawn", 1000), true],
  [new DriverInternal("bug"), false],
  [
    new DriverLoadError(ErrorCode.ContractRange, "x", "nope", {
      found: "^2.0.0",
      expected: "1.0.0",
    }),
    false,
  ],
];

describe("contract errors", () => {
  it.each(samples)("%s survives a trip through JSON", (error, retryable) => {
    const back = errorFromJSON(JSON.parse(JSON.stringify(error)));
    expect(back.code).toBe(error.code);
    expect(back.message).toBe(error.message);
    expect(back.retryable).toBe(retryable);
    expect(back.details).toEqual(error.details);
    expect(back.constructor).toBe(error.constructor);
  });

  it("has one distinct code per class", () => {
    const codes = samples.map(([e]) => e.code);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it("recognises contract errors by code, across copies of the package", () => {
    expect(isDriverError({ code: "NOVAKIT_INSTANCE_NOT_FOUND" })).toBe(true);
    expect(
      isDriverError({ code: "NOVAKIT_INSTANCE_NOT_FOUND" }, "NOVAKIT_INSTANCE_NOT_FOUND"),
    ).toBe(true);
    expect(isDriverError({ code: "NOVAKIT_INSTANCE_NOT_FOUND" }, "NOVAKIT_TIMEOUT")).toBe(false);
    expect(isDriverError({ code: "ENOENT" })).toBe(false);
    expect(isDriverError(new Error("x"))).toBe(false);
    expect(isDriverError(null)).toBe(false);
  });

  it("turns an unknown code from a newer peer into DriverInternal", () => {
    const back = errorFromJSON({
      code: "NOVAKIT_FROM_THE_FUTURE" as never,
      message: "m",
      retryable: false,
      details: {},
    });
    expect(back).toBeInstanceOf(DriverInternal);
    expect(back.message).toBe("m");
  });

  it("carries structured fields callers branch on", () => {
    expect(new InvalidState(UUID, "pause", "stopped")).toMatchObject({
      currentState: "stopped",
      operation: "pause",
    });
    expect(new InvalidSpec("/name", "too long")).toMatchObject({
      path: "/name",
      reason: "too long",
    });
  });
});
