import { readFileSync } from "node:fs";
import semver from "semver";
import { DriverLoadError, ErrorCode, isDriverError } from "../errors.js";
import { validate } from "../schemas/index.js";
import { type DriverManifest, MANIFEST_FIELD } from "../schemas/manifest.js";
import { CONTRACT_VERSION } from "../version.js";
import type { ResolvedPackage } from "./resolve-package.js";

/** A driver package's identity and manifest, read without running its code. */
export interface PackageManifest {
  readonly packageName: string;
  readonly packageVersion: string;
  readonly manifest: DriverManifest;
}

/** Reads and checks the manifest in a driver's package.json. */
export function readManifest(specifier: string, pkg: ResolvedPackage): PackageManifest {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(pkg.packageJsonPath, "utf8"));
  } catch (cause) {
    throw new DriverLoadError(
      ErrorCode.ManifestInvalid,
      specifier,
      `${pkg.packageJsonPath} is not readable JSON: ${(cause as Error).message}`,
      { path: "", file: pkg.packageJsonPath },
      { cause },
    );
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new DriverLoadError(
      ErrorCode.ManifestInvalid,
      specifier,
      `${pkg.packageJsonPath} is not a JSON object`,
    );
  }
  const record = json as Record<string, unknown>;
  const packageName = typeof record.name === "string" ? record.name : specifier;
  const packageVersion = typeof record.version === "string" ? record.version : "0.0.0";
  const raw = record[MANIFEST_FIELD];
  if (raw === undefined) {
    throw new DriverLoadError(
      ErrorCode.ManifestInvalid,
      specifier,
      `package ${packageName} has no "${MANIFEST_FIELD}" field in its package.json, so it is not a novakit driver; a driver declares { "name", "contract", "entry" } there`,
      { path: `/${MANIFEST_FIELD}`, found: "nothing", expected: "a driver manifest" },
    );
  }
  try {
    validate.driverManifest.assert(raw);
  } catch (err) {
    if (!isDriverError(err, "NOVAKIT_INVALID_SPEC")) throw err;
    const path = `/${MANIFEST_FIELD}${(err as unknown as { path: string }).path}`;
    throw new DriverLoadError(
      ErrorCode.ManifestInvalid,
      specifier,
      `package ${packageName}: manifest field ${path} ${(err as unknown as { reason: string }).reason}`,
      { path },
    );
  }
  const manifest = raw as DriverManifest;
  checkContractRange(specifier, packageName, manifest);
  return { packageName, packageVersion, manifest };
}

/**
 * The version handshake: refuses a driver whose declared range does not
 * include the contract version this core speaks. Runs before any driver code.
 */
export function checkContractRange(
  specifier: string,
  packageName: string,
  manifest: DriverManifest,
): void {
  const range = semver.validRange(manifest.contract);
  if (range === null) {
    throw new DriverLoadError(
      ErrorCode.ManifestInvalid,
      specifier,
      `package ${packageName}: manifest field /${MANIFEST_FIELD}/contract is "${manifest.contract}", which is not a semver range; write one such as ^1.0.0`,
      { path: `/${MANIFEST_FIELD}/contract`, found: manifest.contract, expected: "a semver range" },
    );
  }
  if (!isContractCompatible(range, CONTRACT_VERSION)) {
    throw new DriverLoadError(
      ErrorCode.ContractRange,
      specifier,
      `driver "${manifest.name}" (${packageName}) implements contract ${manifest.contract}, this core speaks ${CONTRACT_VERSION}; install a release of the driver built for ${CONTRACT_VERSION.split(".")[0]}.x`,
      { path: `/${MANIFEST_FIELD}/contract`, found: manifest.contract, expected: CONTRACT_VERSION },
    );
  }
}

/**
 * The compatibility rule: a driver's declared range must include the core's
 * contract version. Prereleases of the core count, so a 1.5.0-rc.1 core
 * loads `^1.0.0` drivers for testing before the release.
 */
export function isContractCompatible(range: string, coreVersion: string): boolean {
  return semver.satisfies(coreVersion, range, { includePrerelease: true });
}
