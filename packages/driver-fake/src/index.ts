// The public surface of @novakit/driver-fake. This file only re-exports,
// apart from the definition the loader finds through the manifest.
import { defineDriver } from "@novakit/driver-api";
import { type FakeDriverConfig, fakeConfigSchema } from "./config.js";
import { FakeDriver } from "./fake-driver.js";

export { type FakeDriverConfig, fakeConfigSchema } from "./config.js";
export { FakeDriver } from "./fake-driver.js";

/**
 * The reference driver's definition, found by the loader through the
 * `novakitDriver` manifest in package.json.
 *
 * @public
 */
export const driver = defineDriver<FakeDriverConfig | undefined>({
  name: "fake",
  contract: "^1.0.0",
  configSchema: fakeConfigSchema,
  create: (config, host) => new FakeDriver(config, host),
});
