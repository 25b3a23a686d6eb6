import semver from "semver";
import type { ComputeDriver, DriverHost } from "./driver.js";
import { InvalidSpec } from "./errors.js";

const DEFINITION_BRAND = Symbol.for("@novakit/driver-api/driver-definition");

/**
 * What a driver package exports: its name, the contract range it implements,
 * the JSON Schema of its config, and a factory.
 *
 * @public
 */
export interface DriverDefinition<Config = unknown> {
  /** The driver's short name; must equal the manifest's `name`. */
  readonly name: string;
  /** The semver range of contract versions implemented; must equal the manifest's `contract`. */
  readonly contract: string;
  /**
   * The JSON Schema (draft 2020-12) of the driver's config. The loader
   * validates the config against it before calling `create`, so `create`
   * receives only valid config.
   */
  readonly configSchema: object;
  /** Makes a driver instance. Must not touch the hypervisor: that is `init`'s job. */
  create(config: Config, host: DriverHost): ComputeDriver;
}

/**
 * Declares a driver, checking the definition when the module loads so that
 * a malformed one fails in the vendor's own tests, not in a deployment.
 *
 * ```ts
 * export const driver = defineDriver<ExampleConfig>({
 *   name: "example",
 *   contract: "^1.0.0",
 *   configSchema,
 *   create: (config, host) => new ExampleDriver(config, host),
 * });
 * ```
 *
 * @public
 */
export function defineDriver<Config>(
  definition: DriverDefinition<Config>,
): DriverDefinition<Config> {
  const problem = findDefinitionProblem(definition);
  if (problem !== undefined) throw new InvalidSpec(problem.path, problem.reason);
  return Object.freeze(
    Object.assign(Object.create(null), definition, { [DEFINITION_BRAND]: true }),
  );
}

/** True when `value` was made by {@link defineDriver}. @public */
export function isDriverDefinition(value: unknown): value is DriverDefinition {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<symbol, unknown>)[DEFINITION_BRAND] === true
  );
}

/** The first thing wrong with a definition, or undefined. */
export function findDefinitionProblem(
  definition: unknown,
): { path: string; reason: string } | undefined {
  if (typeof definition !== "object" || definition === null) {
    return { path: "", reason: "must be an object made by defineDriver" };
  }
  const d = definition as Record<string, unknown>;
  if (typeof d.name !== "string" || !/^[a-z][a-z0-9-]{0,63}$/.test(d.name)) {
    return {
      path: "/name",
      reason: "must be lower-case letters, digits and dashes, starting with a letter",
    };
  }
  if (typeof d.contract !== "string" || semver.validRange(d.contract) === null) {
    return { path: "/contract", reason: "must be a semver range such as ^1.0.0" };
  }
  if (typeof d.configSchema !== "object" || d.configSchema === null) {
    return { path: "/configSchema", reason: "must be a JSON Schema object" };
  }
  if (typeof d.create !== "function") {
    return { path: "/create", reason: "must be a function (config, host) => ComputeDriver" };
  }
  return undefined;
}
