// The public surface of @novakit/driver-libvirt. This file only re-exports,
// apart from the definition the loader finds through the manifest.
import { defineDriver } from "@novakit/driver-api";
import { type LibvirtDriverConfig, libvirtConfigSchema } from "./config.js";
import { LibvirtDriver } from "./libvirt-driver.js";

export { type LibvirtDriverConfig, libvirtConfigSchema } from "./config.js";
export { buildDomainXml, domainName, parseInstanceElement } from "./domain-xml.js";
export { LibvirtDriver } from "./libvirt-driver.js";

/** The libvirt driver's definition, found by the loader through the manifest. @public */
export const driver = defineDriver<LibvirtDriverConfig>({
  name: "libvirt",
  contract: "^1.0.0",
  configSchema: libvirtConfigSchema,
  create: (config, host) => new LibvirtDriver(config, host),
});
