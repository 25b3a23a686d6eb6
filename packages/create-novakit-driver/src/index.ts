// The public surface of create-novakit-driver. This file only re-exports.

export { type CreateArgs, parseCreateArgs, USAGE } from "./args.js";
export { UsageError } from "./errors.js";
export { main } from "./main.js";
export {
  checkDriverName,
  checkPackageName,
  DRIVER_NAME_PATTERN,
  driverNameFromDir,
} from "./names.js";
export {
  replacementsFor,
  type ScaffoldOptions,
  type ScaffoldResult,
  scaffold,
} from "./scaffold.js";
export { TEMPLATE_CONTRACT_RANGE, TEMPLATE_VERSIONS, type TemplateVersions } from "./versions.js";
