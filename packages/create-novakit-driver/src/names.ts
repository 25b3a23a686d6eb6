import { UsageError } from "./errors.js";

/**
 * A driver's short name, as the manifest schema of @novakit/driver-api
 * allows it (`novakitDriver.name`).
 *
 * @public
 */
export const DRIVER_NAME_PATTERN = /^[a-z][a-z0-9-]{0,63}$/;

/** npm's rules for a new package name: lower case, URL-safe, an optional scope. */
const PACKAGE_NAME_PATTERN = /^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;

const DRIVER_NAME_RULE =
  "lower-case letters, digits and dashes, starting with a letter, at most 64 characters";

/** The driver name `--name` gives, checked. */
export function checkDriverName(name: string): string {
  if (!DRIVER_NAME_PATTERN.test(name)) {
    throw new UsageError(
      `--name ${JSON.stringify(name)} is not a driver name: use ${DRIVER_NAME_RULE}, such as "acme"`,
    );
  }
  return name;
}

/** The driver name a directory implies when `--name` is absent: `novakit-driver-acme` gives `acme`. */
export function driverNameFromDir(base: string): string {
  const name = base.replace(/^novakit-driver-/, "").replace(/^driver-/, "");
  if (!DRIVER_NAME_PATTERN.test(name)) {
    throw new UsageError(
      `the directory name ${JSON.stringify(base)} gives no driver name; pass --name <driver-name> (${DRIVER_NAME_RULE})`,
    );
  }
  return name;
}

/** The npm package name `--package` gives, checked. */
export function checkPackageName(name: string): string {
  if (name.length > 214 || !PACKAGE_NAME_PATTERN.test(name) || /^[._]/.test(name)) {
    throw new UsageError(
      `--package ${JSON.stringify(name)} is not an npm package name: use lower case, no spaces, at most 214 characters, with an optional scope such as @acme/`,
    );
  }
  return name;
}

/** `acme-cloud` as a type name: `AcmeCloud`. */
export function pascalCase(name: string): string {
  return name
    .split("-")
    .filter((part) => part !== "")
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("");
}

/** `acme-cloud` as a value name: `acmeCloud`. */
export function camelCase(name: string): string {
  const pascal = pascalCase(name);
  return pascal.charAt(0).toLowerCase() + pascal.slice(1);
}
