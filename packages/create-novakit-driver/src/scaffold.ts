import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { UsageError } from "./errors.js";
import { camelCase, pascalCase } from "./names.js";
import { TEMPLATE_CONTRACT_RANGE, TEMPLATE_VERSIONS, type TemplateVersions } from "./versions.js";

/**
 * What to generate, and where.
 *
 * @public
 */
export interface ScaffoldOptions {
  /** The directory to write into: it must not exist, or be empty. */
  readonly dir: string;
  /** The driver's short name, `novakitDriver.name`. */
  readonly driverName: string;
  /** The package's npm name. */
  readonly packageName: string;
  /** Override the versions the package depends on (tests do). */
  readonly versions?: TemplateVersions;
}

/**
 * What was generated: the files, relative to the directory, in the order
 * they were written.
 *
 * @public
 */
export interface ScaffoldResult {
  readonly dir: string;
  readonly files: readonly string[];
}

/** Template files whose real names npm would mangle or act on when it packs the scaffold. */
const RENAMED: Readonly<Record<string, string>> = {
  "_package.json": "package.json",
  _gitignore: ".gitignore",
};

/**
 * Writes a new driver package from the template: every `__TOKEN__` and the
 * template's type names replaced by the driver's own.
 *
 * @public
 */
export function scaffold(options: ScaffoldOptions): ScaffoldResult {
  assertUsableDir(options.dir);
  const replacements = replacementsFor(options);
  const templateDir = findTemplateDir();
  const files: string[] = [];
  for (const source of walk(templateDir)) {
    const rel = relative(templateDir, source);
    const target = join(options.dir, dirname(rel), RENAMED[basename(rel)] ?? basename(rel));
    const text = render(readFileSync(source, "utf8"), replacements);
    const leftover = /__[A-Z][A-Z_]*__/.exec(text);
    if (leftover !== null) throw new Error(`template ${rel} has an unknown token ${leftover[0]}`);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text);
    files.push(relative(options.dir, target));
  }
  return { dir: options.dir, files };
}

/** The text substitutions for one driver, in the order they apply. */
export function replacementsFor(options: ScaffoldOptions): readonly [RegExp, string][] {
  const v = options.versions ?? TEMPLATE_VERSIONS;
  const pascal = pascalCase(options.driverName);
  return [
    [/__DRIVER_NAME__/g, options.driverName],
    [/__PACKAGE_NAME__/g, options.packageName],
    [/__CONTRACT_RANGE__/g, TEMPLATE_CONTRACT_RANGE],
    [/__DRIVER_API_RANGE__/g, `^${v.driverApi}`],
    [/__CONFORMANCE_RANGE__/g, `^${v.conformance}`],
    [/__TYPESCRIPT_RANGE__/g, `^${v.typescript}`],
    [/__VITEST_RANGE__/g, `^${v.vitest}`],
    [/__TYPES_NODE_RANGE__/g, `^${v.typesNode}`],
    [/\bTemplate(Driver|Config)\b/g, `${pascal}$1`],
    [/\btemplateConfigSchema\b/g, `${camelCase(options.driverName)}ConfigSchema`],
  ];
}

function render(text: string, replacements: readonly [RegExp, string][]): string {
  return replacements.reduce((out, [pattern, value]) => out.replace(pattern, value), text);
}

function assertUsableDir(dir: string): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) {
    throw new UsageError(`<dir> ${dir} is a file; name a new directory`);
  }
  if (readdirSync(dir).length > 0) {
    throw new UsageError(`<dir> ${dir} exists and is not empty; name a new or empty directory`);
  }
}

/** The template: beside the built code in dist/, or at the package's root when run from src/. */
function findTemplateDir(): string {
  for (const candidate of ["./template/", "../template/"]) {
    const dir = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(join(dir, "_package.json"))) return dir;
  }
  throw new Error(
    `the template is missing beside ${fileURLToPath(import.meta.url)}; rebuild the package`,
  );
}

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.isFile()) yield path;
  }
}
