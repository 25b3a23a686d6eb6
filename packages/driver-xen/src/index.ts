// The public surface of @novakit/driver-xen. This file only re-exports,
// apart from the definition the loader finds through the manifest.
import { defineDriver } from "@novakit/driver-api";
import { type XenDriverConfig, xenConfigSchema } from "./config.js";
import { XenDriver } from "./xen-driver.js";

export { type SshTransportConfig, type XenDriverConfig, xenConfigSchema } from "./config.js";
export { LocalTransport } from "./transport/local.js";
export { shellCommand, shellQuote } from "./transport/shell-quote.js";
export { type SshTarget, SshTransport } from "./transport/ssh.js";
export type { CommandResult, RunOptions, Transport } from "./transport/transport.js";
export { TransportError } from "./transport/transport.js";
export { XenDriver } from "./xen-driver.js";
export {
  buildDomainConfig,
  type DomainConfig,
  domainName,
  domainSettings,
  type GuestBoot,
  type InstanceRecord,
  parseDomainConfig,
} from "./xl/domain-config.js";
export {
  parseXlConfig,
  quoteXlString,
  serializeXlConfig,
  XlConfigSyntaxError,
  type XlParsedSetting,
  type XlSetting,
  xlConfigMap,
} from "./xl/xl-cfg.js";
export { parseXlInfo, parseXlList, parseXlListDetails, powerStateOfFlags } from "./xl/xl-output.js";

/** The Xen driver's definition, found by the loader through the manifest. @public */
export const driver = defineDriver<XenDriverConfig>({
  name: "xen",
  contract: "^1.0.0",
  configSchema: xenConfigSchema,
  create: (config, host) => new XenDriver(config, host),
});
