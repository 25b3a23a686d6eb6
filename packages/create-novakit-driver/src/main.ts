import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { parseCreateArgs, USAGE } from "./args.js";
import { UsageError } from "./errors.js";
import { scaffold } from "./scaffold.js";

/** Exit statuses: 0 written, 2 a usage mistake (one line, no stack), 1 anything else (with its stack). */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    const args = parseCreateArgs(argv);
    if (args === "help") {
      console.log(USAGE);
      return 0;
    }
    if (args === "version") {
      console.log(ownVersion());
      return 0;
    }
    const result = scaffold(args);
    const where = relative(process.cwd(), result.dir) || ".";
    const pm = packageManager();
    console.log(
      [
        `Wrote novakit driver "${args.driverName}" (${args.packageName}) into ${where}: ${result.files.length} files.`,
        "",
        "Next:",
        `  cd ${where}`,
        `  ${pm} install`,
        `  ${pm} test            # build, then the conformance suite under vitest`,
        `  ${pm} run certify     # novakit-certify: the verdict and four reports in novakit-reports/`,
        "",
        "Then replace src/hypervisor.ts with your hypervisor's client; README.md says what each file is for.",
      ].join("\n"),
    );
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`create-novakit-driver: ${err.message}`);
      return 2;
    }
    console.error(err);
    return 1;
  }
}

/** The package manager that ran us, so the next steps read the way the user types them. */
function packageManager(): string {
  const agent = process.env.npm_config_user_agent ?? "";
  if (agent.startsWith("pnpm/")) return "pnpm";
  if (agent.startsWith("yarn/")) return "yarn";
  return "npm";
}

function ownVersion(): string {
  const url = new URL("../package.json", import.meta.url);
  return (JSON.parse(readFileSync(url, "utf8")) as { version: string }).version;
}
