import { existsSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { Ajv2020, type ErrorObject } from "ajv/dist/2020.js";
import { type DriverDefinition, isDriverDefinition } from "../define-driver.js";
import type { ComputeDriver, RequiredDriverMethod } from "../driver.js";
import { DriverLoadError, ErrorCode } from "../errors.js";
import { DriverClient, type DriverClientOptions } from "../guard/driver-client.js";
import { createDriverHost, type DriverHostOptions } from "../guard/host.js";
import { type DriverManifest, MANIFEST_FIELD } from "../schemas/manifest.js";
import { readManifest } from "./read-manifest.js";
import { resolvePackage } from "./resolve-package.js";

/**
 * How {@link loadDriver} finds a driver and wires it to the core.
 *
 * @public
 */
export interface LoadDriverOptions extends DriverHostOptions {
  /** Where a package name is resolved from; default the current directory. */
  readonly fromDir?: string;
  /** How the returned client guards the boundary. */
  readonly client?: DriverClientOptions;
}

/**
 * A driver that passed every check, created but not yet initialised.
 *
 * @public
 */
export interface LoadedDriver {
  readonly packageName: string;
  readonly packageVersion: string;
  readonly packageDir: string;
  readonly manifest: DriverManifest;
  readonly definition: DriverDefinition;
  /** The config, as validated against the driver's schema. */
  readonly config: unknown;
  /** The driver itself, for callers that guard the boundary on their own. */
  readonly driver: ComputeDriver;
  /** The driver behind the contract's guard; call `init` on it first. */
  readonly client: DriverClient;
}

const REQUIRED_METHODS: readonly RequiredDriverMethod[] = [
  "init",
  "close",
  "getHostResources",
  "listInstances",
  "getInstanceInfo",
  "spawn",
  "destroy",
  "reboot",
  "powerOff",
  "powerOn",
  "pause",
  "unpause",
  "suspend",
  "resume",
];

/**
 * Loads a driver package by name or path, in this order, refusing at the
 * first failed check with a {@link DriverLoadError} that says what it found
 * and what it expected:
 *
 * 1. find the package (`NOVAKIT_ERR_DRIVER_LOAD`);
 * 2. read its manifest (`NOVAKIT_ERR_MANIFEST`) and check its contract range
 *    against this core's (`NOVAKIT_ERR_CONTRACT_RANGE`), before any of its
 *    code runs;
 * 3. import its entry point and find the definition (`NOVAKIT_ERR_ENTRY_POINT`);
 * 4. validate `config` against the driver's schema (`NOVAKIT_ERR_CONFIG`);
 * 5. create the driver and check it has every required method.
 *
 * @public
 */
export async function loadDriver(
  specifier: string,
  config: unknown,
  options: LoadDriverOptions = {},
): Promise<LoadedDriver> {
  const pkg = resolvePackage(specifier, options.fromDir ?? process.cwd());
  const { packageName, packageVersion, manifest } = readManifest(specifier, pkg);
  const definition = await importDefinition(specifier, pkg.dir, packageName, manifest);
  checkConfig(specifier, manifest, definition, config);

  const host = createDriverHost(options);
  let driver: ComputeDriver;
  try {
    driver = definition.create(config, host);
  } catch (cause) {
    throw new DriverLoadError(
      ErrorCode.DriverLoad,
      specifier,
      `driver "${manifest.name}" threw while being created: ${(cause as Error)?.message ?? String(cause)}`,
      {},
      { cause },
    );
  }
  const missing = REQUIRED_METHODS.filter(
    (m) => typeof (driver as unknown as Record<string, unknown>)?.[m] !== "function",
  );
  if (missing.length > 0) {
    throw new DriverLoadError(
      ErrorCode.EntryPoint,
      specifier,
      `driver "${manifest.name}" lacks required method(s) ${missing.join(", ")}`,
      { found: "an incomplete ComputeDriver", expected: "every required ComputeDriver method" },
    );
  }
  return {
    packageName,
    packageVersion,
    packageDir: pkg.dir,
    manifest,
    definition,
    config,
    driver,
    client: new DriverClient(driver, {
      ...(options.logger ? { logger: options.logger } : {}),
      contract: manifest.contract,
      ...options.client,
    }),
  };
}

async function importDefinition(
  specifier: string,
  packageDir: string,
  packageName: string,
  manifest: DriverManifest,
): Promise<DriverDefinition> {
  const entryPath = resolve(packageDir, manifest.entry);
  const entryField = `/${MANIFEST_FIELD}/entry`;
  if (
    relative(packageDir, entryPath).startsWith(`..${sep}`) ||
    !entryPath.startsWith(packageDir + sep)
  ) {
    throw new DriverLoadError(
      ErrorCode.ManifestInvalid,
      specifier,
      `package ${packageName}: ${entryField} "${manifest.entry}" points outside the package`,
      { path: entryField, found: manifest.entry, expected: "a path inside the package" },
    );
  }
  if (!existsSync(entryPath)) {
    throw new DriverLoadError(
      ErrorCode.EntryPoint,
      specifier,
      `package ${packageName}: entry point ${manifest.entry} (${entryField}) does not exist at ${entryPath}; build the package or fix the manifest`,
      { path: entryField, found: "no file", expected: join(packageDir, manifest.entry) },
    );
  }
  let module: Record<string, unknown>;
  try {
    module = await import(pathToFileURL(entryPath).href);
  } catch (cause) {
    throw new DriverLoadError(
      ErrorCode.EntryPoint,
      specifier,
      `package ${packageName}: importing ${manifest.entry} failed: ${(cause as Error)?.message ?? String(cause)}`,
      { path: entryField },
      { cause },
    );
  }
  const exportName = manifest.export ?? "driver";
  const definition = module[exportName];
  if (!isDriverDefinition(definition)) {
    throw new DriverLoadError(
      ErrorCode.EntryPoint,
      specifier,
      `package ${packageName}: ${manifest.entry} has no export "${exportName}" made by defineDriver()`,
      {
        path: entryField,
        found: definition === undefined ? "nothing" : typeof definition,
        expected: "defineDriver(...)",
      },
    );
  }
  for (const field of ["name", "contract"] as const) {
    if (definition[field] !== manifest[field]) {
      throw new DriverLoadError(
        ErrorCode.ManifestInvalid,
        specifier,
        `package ${packageName}: the manifest says ${field} "${manifest[field]}" but the code says "${definition[field]}"; make them agree`,
        {
          path: `/${MANIFEST_FIELD}/${field}`,
          found: definition[field],
          expected: manifest[field],
        },
      );
    }
  }
  return definition;
}

function checkConfig(
  specifier: string,
  manifest: DriverManifest,
  definition: DriverDefinition,
  config: unknown,
): void {
  // A fresh ajv per driver: its schema's $id must not collide with another
  // driver's, and `strict: false` tolerates vendor annotation keywords.
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  let check: ReturnType<Ajv2020["compile"]>;
  try {
    check = ajv.compile(definition.configSchema);
  } catch (cause) {
    throw new DriverLoadError(
      ErrorCode.ManifestInvalid,
      specifier,
      `driver "${manifest.name}" has a configSchema that is not a valid JSON Schema: ${(cause as Error).message}`,
      { path: "/configSchema", file: manifest.entry },
      { cause },
    );
  }
  if (check(config)) return;
  const errors = (check.errors ?? []).map(describeConfigError);
  const first = errors[0] ?? { path: "", text: "is not valid" };
  throw new DriverLoadError(
    ErrorCode.ConfigInvalid,
    specifier,
    `config for driver "${manifest.name}" is invalid: ${errors.map((e) => `${e.path || "(root)"} ${e.text}`).join("; ")}`,
    { path: first.path },
  );
}

function describeConfigError(error: ErrorObject): { path: string; text: string } {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === "required") {
    return { path: `${error.instancePath}/${String(params.missingProperty)}`, text: "is required" };
  }
  if (error.keyword === "additionalProperties") {
    return {
      path: `${error.instancePath}/${String(params.additionalProperty)}`,
      text: "is not a known setting; remove it or check its spelling",
    };
  }
  return { path: error.instancePath, text: error.message ?? "is not valid" };
}
