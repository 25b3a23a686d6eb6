// The versions a generated driver depends on, read from this repository when
// the scaffold is built (tsup) or tested (vitest), so a release of the
// contract or the kit cannot leave the scaffold pointing at an older one.
import { readFileSync } from "node:fs";

interface Manifest {
  version?: string;
  devDependencies?: Record<string, string>;
}

function manifest(path: string): Manifest {
  return JSON.parse(readFileSync(new URL(path, import.meta.url), "utf8")) as Manifest;
}

function rootDevDependency(name: string): string {
  const version = manifest("../../package.json").devDependencies?.[name];
  if (version === undefined) throw new Error(`the root package.json has no devDependency ${name}`);
  return version;
}

function version(path: string): string {
  const v = manifest(path).version;
  if (v === undefined) throw new Error(`${path} has no version`);
  return v;
}

/** What `src/versions.ts` reads as `__NOVAKIT_TEMPLATE_VERSIONS__`. */
export function templateVersions(): Record<string, string> {
  return {
    driverApi: version("../driver-api/package.json"),
    conformance: version("../conformance/package.json"),
    typescript: rootDevDependency("typescript"),
    vitest: rootDevDependency("vitest"),
    typesNode: rootDevDependency("@types/node"),
  };
}

/** The `define` entry both tsup and vitest take. */
export function templateVersionsDefine(): Record<string, string> {
  return { __NOVAKIT_TEMPLATE_VERSIONS__: JSON.stringify(templateVersions()) };
}
