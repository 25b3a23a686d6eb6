// The package's public surface. The loader finds `driver` through the
// novakitDriver manifest in package.json; the rest is for your users' code.
import { defineDriver } from "@novakit/driver-api";
import { type TemplateConfig, templateConfigSchema } from "./config.js";
import { TemplateDriver } from "./driver.js";

export { type TemplateConfig, templateConfigSchema } from "./config.js";
export { TemplateDriver } from "./driver.js";

export const driver = defineDriver<TemplateConfig>({
  name: "__DRIVER_NAME__", // must equal novakitDriver.name in package.json (C-LOAD-2)
  contract: "__CONTRACT_RANGE__", // must equal novakitDriver.contract, and the peer range of @novakit/driver-api
  configSchema: templateConfigSchema,
  create: (config, host) => new TemplateDriver(config, host),
});
