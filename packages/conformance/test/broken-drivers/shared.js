// Helpers for the deliberately broken variants of the reference driver.
// Each variant breaks exactly one clause of the contract; the conformance
// tests assert that the suite refuses it for that clause.
import { defineDriver } from "@novakit/driver-api";
import { FakeDriver, fakeConfigSchema } from "@novakit/driver-fake";

/** Defines a variant: `make(config, host)` returns the broken driver. */
export function brokenVariant(name, make) {
  return defineDriver({ name, contract: "^1.0.0", configSchema: fakeConfigSchema, create: make });
}

/** A host that passes events through `transform`, which may drop, hold or reorder them. */
export function filteringHost(host, transform) {
  return {
    contractVersion: host.contractVersion,
    logger: host.logger,
    emitEvent: (event) => transform(event, (e) => host.emitEvent(e)),
  };
}

export { FakeDriver, fakeConfigSchema };
