import { basename, resolve } from "node:path";
import { parseArgs } from "node:util";
import { UsageError } from "./errors.js";
import { checkDriverName, checkPackageName, driverNameFromDir } from "./names.js";

export const USAGE = `Usage: npm create novakit-driver <dir> [-- --name <driver-name>] [--package <npm-name>]
       create-novakit-driver <dir> [--name <driver-name>] [--package <npm-name>]

Writes a new novakit compute-driver package into <dir> (new, or empty): its
manifest, a closed config schema, the contract's skeleton over an in-memory
host, the conformance suite under vitest, and a README. It certifies as
generated; replace src/hypervisor.ts with your hypervisor's client.

Options:
  --name <driver-name>    the driver's short name (novakitDriver.name): lower-case letters,
                          digits and dashes, starting with a letter (default: from <dir>,
                          without a leading "novakit-driver-")
  --package <npm-name>    the package's npm name (default: novakit-driver-<driver-name>)
  -h, --help              show this help
  --version               print this scaffold's version`;

/** What the command was asked to make. */
export interface CreateArgs {
  /** The target directory, absolute. */
  readonly dir: string;
  readonly driverName: string;
  readonly packageName: string;
}

const FLAGS = ["--name", "--package", "--help", "--version"];

/** Parses the command line; every mistake is a UsageError naming the flag. */
export function parseCreateArgs(argv: readonly string[]): CreateArgs | "help" | "version" {
  const parsed = parse(argv);
  const v = parsed.values;
  if (v.help) return "help";
  if (v.version) return "version";
  const [dir, extra] = parsed.positionals;
  if (dir === undefined || dir.trim() === "") {
    throw new UsageError(
      "<dir> is missing: npm create novakit-driver <dir> [-- --name <driver-name>]",
    );
  }
  if (extra !== undefined) {
    throw new UsageError(
      `unexpected argument ${JSON.stringify(extra)}: give one <dir>, and flags after it`,
    );
  }
  const target = resolve(dir);
  const driverName =
    v.name === undefined ? driverNameFromDir(basename(target)) : checkDriverName(v.name);
  const packageName =
    v.package === undefined ? `novakit-driver-${driverName}` : checkPackageName(v.package);
  return { dir: target, driverName, packageName };
}

function parse(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: {
        name: { type: "string" },
        package: { type: "string" },
        help: { type: "boolean", short: "h" },
        version: { type: "boolean" },
      },
    });
  } catch (err) {
    throw new UsageError(describeParseError(err));
  }
}

/** node:util's messages, reworded to name the flag and the fix in one line. */
function describeParseError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: string }).code;
  const flag = /--[a-z-]+/.exec(message)?.[0] ?? /'(-[^' ,]+)/.exec(message)?.[1] ?? "";
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
    return `unknown flag ${flag}; the flags are ${FLAGS.join(", ")}`;
  }
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && /does not take/.test(message)) {
    return `${flag} takes no value`;
  }
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    const example = flag === "--package" ? "@acme/novakit-driver-acme" : "acme";
    return `${flag} needs a value, such as ${flag} ${example}`;
  }
  return message.split("\n")[0] ?? message;
}
