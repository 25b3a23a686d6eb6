// Breaks C-PKG-1: lists the contract under dependencies instead of as a
// peer, and throws InvalidSpec from a copy of the class of its own, as a
// driver does whose bundler inlined @novakit/driver-api (the codes still
// match; instanceof the core's class does not).
import { isDriverError } from "@novakit/driver-api";
import { brokenVariant, FakeDriver } from "../shared.js";

class InvalidSpec extends Error {
  code = "NOVAKIT_INVALID_SPEC";
  name = "InvalidSpec";
  retryable = false;
  constructor(path, reason) {
    super(`invalid request at ${path}: ${reason}`);
    this.path = path;
    this.reason = reason;
  }
  get details() {
    return { path: this.path, reason: this.reason };
  }
}

class Broken extends FakeDriver {
  async spawn(request, options) {
    try {
      return await super.spawn(request, options);
    } catch (err) {
      if (isDriverError(err, "NOVAKIT_INVALID_SPEC")) throw new InvalidSpec(err.path, err.reason);
      throw err;
    }
  }
}
export const driver = brokenVariant(
  "bundles-driver-api",
  (config, host) => new Broken(config, host),
);
