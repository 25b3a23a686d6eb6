import { Type } from "@sinclair/typebox";
import { identify } from "./common.js";

/** The package.json field that holds a driver's manifest. @public */
export const MANIFEST_FIELD = "novakitDriver";

// Open: a driver built for a newer core may declare more; the loader reads
// only what it knows. The required fields catch a misspelt manifest.
export const DriverManifestSchema = identify(
  "driver-manifest",
  Type.Object({
    name: Type.String({
      pattern: "^[a-z][a-z0-9-]{0,63}$",
      description: "the driver's short name: lower-case letters, digits and dashes",
    }),
    contract: Type.String({
      minLength: 1,
      maxLength: 128,
      description: "the semver range of contract versions the driver implements, e.g. ^1.0.0",
    }),
    entry: Type.String({
      pattern: "^\\./",
      maxLength: 1024,
      description: "the module, relative to the package root, that exports the driver definition",
    }),
    export: Type.Optional(
      Type.String({
        pattern: "^[A-Za-z_$][A-Za-z0-9_$]*$",
        description: "the named export holding the definition; defaults to `driver`",
      }),
    ),
  }),
);

/**
 * The `novakitDriver` field of a driver package's package.json. The loader
 * reads it, and checks the contract range, before it runs any driver code.
 *
 * @public
 */
export interface DriverManifest {
  /** The driver's short name: lower-case letters, digits and dashes. */
  name: string;
  /** The semver range of contract versions the driver implements, such as `^1.0.0`. */
  contract: string;
  /** The module, relative to the package root and starting `./`, that exports the definition. */
  entry: string;
  /** The named export holding the definition; `driver` when absent. */
  export?: string;
}
