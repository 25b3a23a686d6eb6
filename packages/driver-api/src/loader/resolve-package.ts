import { existsSync, realpathSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { DriverLoadError, ErrorCode } from "../errors.js";

/** The directory of a package and the package.json found there. */
export interface ResolvedPackage {
  readonly dir: string;
  readonly packageJsonPath: string;
}

const NPM_NAME = /^(@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;

/** True for specifiers that name a directory rather than a package. */
export function isPathSpecifier(specifier: string): boolean {
  return (
    specifier.startsWith(".") ||
    isAbsolute(specifier) ||
    specifier.startsWith("file:") ||
    specifier === "~" ||
    specifier.startsWith("~/")
  );
}

/**
 * Finds a driver package by path or by name. A name is looked up the way
 * Node looks up a bare import, in node_modules folders from `fromDir`
 * upwards, but only for its package.json: nothing is imported yet.
 */
export function resolvePackage(specifier: string, fromDir: string): ResolvedPackage {
  if (specifier.trim() === "") {
    throw new DriverLoadError(ErrorCode.DriverLoad, specifier, "the driver specifier is empty", {
      expected: "a package name such as @novakit/driver-fake, or a path to a package directory",
    });
  }
  if (isPathSpecifier(specifier)) {
    const asPath = specifier.startsWith("file:") ? fileURLToPath(specifier) : specifier;
    const dir = resolve(fromDir, asPath);
    return found(specifier, dir) ?? notFound(specifier, `no package.json in ${dir}`);
  }
  if (!NPM_NAME.test(specifier)) {
    throw new DriverLoadError(
      ErrorCode.DriverLoad,
      specifier,
      `"${specifier}" is neither a path nor a package name`,
      {
        expected: "a package name such as @novakit/driver-fake, or a path starting with ./ or /",
      },
    );
  }
  for (let dir = resolve(fromDir); ; dir = dirname(dir)) {
    const hit = found(specifier, join(dir, "node_modules", specifier));
    if (hit) return hit;
    if (dirname(dir) === dir) break;
  }
  return notFound(
    specifier,
    `no package named ${specifier} is installed where ${fromDir} can see it; install it (pnpm add ${specifier}) or pass the path to its directory`,
  );
}

function found(_specifier: string, dir: string): ResolvedPackage | undefined {
  const packageJsonPath = join(dir, "package.json");
  if (!existsSync(packageJsonPath)) return undefined;
  const real = realpathSync(dir);
  return { dir: real, packageJsonPath: join(real, "package.json") };
}

function notFound(specifier: string, message: string): never {
  throw new DriverLoadError(ErrorCode.DriverLoad, specifier, message, {
    path: "",
    file: "package.json",
  });
}
