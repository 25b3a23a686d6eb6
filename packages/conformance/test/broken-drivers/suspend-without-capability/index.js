// Breaks C-UNSUP-suspend: a driver for contract 1.1 that leaves "suspend"
// out of its capabilities, yet suspends when called (the scheduler would
// never send it a suspend; a caller that bypasses the gate gets no honest
// answer).
import { defineDriver } from "@novakit/driver-api";
import { FakeDriver, fakeConfigSchema } from "../shared.js";

class Broken extends FakeDriver {
  async init(options) {
    const info = await super.init(options);
    return { ...info, capabilities: info.capabilities.filter((c) => c !== "suspend") };
  }
}
export const driver = defineDriver({
  name: "suspend-without-capability",
  contract: "^1.1.0",
  configSchema: fakeConfigSchema,
  create: (config, host) => new Broken(config, host),
});
