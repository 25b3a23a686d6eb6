import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { ExitCode, UserFacingError } from "./exit-codes.js";

/** The certify command's settings, checked and resolved. */
export interface CertifyArgs {
  readonly driver: string;
  readonly driverLabel: string;
  readonly config: unknown;
  readonly suite: Readonly<Record<string, unknown>>;
  readonly reportDir: string;
  readonly only?: string;
  readonly skip?: string;
  readonly bench: { readonly iterations: number } | false;
  readonly expectedFailures?: readonly string[];
  readonly runId?: string;
  readonly quiet: boolean;
}

export const CERTIFY_USAGE = `Usage: novakit-certify --driver <package name or path> [options]
       novakit-certify matrix <report.json>... [--out <file>] [--json <file>] [--link-base <path>]
       novakit-certify cleanup --driver <package> [--config <file>] [--run-id <id>] [--uuid <uuid>...]

Certify a novakit compute driver against the contract.

Options:
  --driver <spec>             the driver package: a name installed here, or a path to its directory (required)
  --config <file>             the driver's config, a JSON file (default: {})
  --suite-config <file>       suite settings, a JSON file: image, flavor, network, volumeSource,
                              eventTimeoutMs, eventSettleMs, callTimeoutMs, powerOffGraceMs, concurrency
  --only <regexp>             run only the tests whose name matches (the verdict is then never "certified")
  --skip <regexp>             skip the tests whose name matches (likewise)
  --report-dir <dir>          where to write the reports (default: ./novakit-reports)
  --bench                     also measure latency and throughput per operation
  --bench-iterations <n>      iterations per operation with --bench (default: 50)
  --expected-failures <file>  a JSON array of clause ids or test names the driver is known to fail
  --run-id <id>               name this run's instances with this id (default: random)
  --quiet                     print only the verdict
  -h, --help                  show this help
  --version                   print the suite's version

Exit status: 0 certified, 1 not certified, 2 bad usage, 3 driver failed to load,
4 hypervisor unreachable, 5 internal error.`;

const SUITE_SETTINGS: Record<string, "number" | "object" | "string"> = {
  image: "object",
  flavor: "object",
  network: "string",
  volumeSource: "string",
  eventTimeoutMs: "number",
  eventSettleMs: "number",
  callTimeoutMs: "number",
  powerOffGraceMs: "number",
  concurrency: "number",
};

function usage(message: string): never {
  throw new UserFacingError(
    ExitCode.Usage,
    `${message}\nRun novakit-certify --help for the options.`,
  );
}

/** Reads a JSON file named by a flag, saying which flag and where it broke when it is not JSON. */
export function readJsonFile(flag: string, file: string): unknown {
  const path = resolve(file);
  if (!existsSync(path)) usage(`${flag}: no file at ${path}`);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    return usage(`${flag}: cannot read ${path}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    return usage(`${flag}: ${path} is not valid JSON: ${(err as Error).message}`);
  }
}

function positiveInteger(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    usage(`${flag} must be a whole number of at least 1, not "${value}"`);
  return n;
}

function regexp(flag: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    new RegExp(value);
  } catch (err) {
    usage(`${flag} is not a valid regular expression: ${(err as Error).message}`);
  }
  return value;
}

function checkSuiteSettings(value: unknown): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    usage("--suite-config must hold a JSON object");
  }
  const settings = value as Record<string, unknown>;
  for (const [key, v] of Object.entries(settings)) {
    const kind = SUITE_SETTINGS[key];
    if (kind === undefined) {
      usage(
        `--suite-config: "${key}" is not a suite setting; known: ${Object.keys(SUITE_SETTINGS).join(", ")}`,
      );
    }
    const ok =
      kind === "object"
        ? typeof v === "object" && v !== null && !Array.isArray(v)
        : typeof v === kind;
    if (!ok) usage(`--suite-config: "${key}" must be a ${kind}`);
    if (kind === "number" && !((v as number) >= 0))
      usage(`--suite-config: "${key}" must not be negative`);
  }
  return settings;
}

/** Parses the certify command's flags; every mistake is a UserFacingError with exit code 2. */
export function parseCertifyArgs(argv: readonly string[]): CertifyArgs | "help" | "version" {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    return usage((err as Error).message);
  }
  const v = parsed.values;
  if (v.help) return "help";
  if (v.version) return "version";
  if (parsed.positionals.length > 0) usage(`unexpected argument "${parsed.positionals[0]}"`);
  if (v.driver === undefined || v.driver.trim() === "")
    usage("--driver is required: a driver package name or the path to its directory");
  if (v["bench-iterations"] !== undefined && !v.bench)
    usage("--bench-iterations goes with --bench");

  const isPath = /^(\.|\/|~|file:)/.test(v.driver);
  const expected =
    v["expected-failures"] === undefined
      ? undefined
      : readJsonFile("--expected-failures", v["expected-failures"]);
  if (
    expected !== undefined &&
    !(Array.isArray(expected) && expected.every((e) => typeof e === "string"))
  ) {
    usage("--expected-failures must hold a JSON array of clause ids or test names");
  }
  if (v["run-id"] !== undefined && !/^[a-z0-9-]{1,32}$/.test(v["run-id"])) {
    usage("--run-id must be 1 to 32 lower-case letters, digits or dashes");
  }
  const only = regexp("--only", v.only);
  const skip = regexp("--skip", v.skip);
  return {
    driver: isPath ? resolve(v.driver) : v.driver,
    driverLabel: v.driver,
    config: v.config === undefined ? {} : readJsonFile("--config", v.config),
    suite:
      v["suite-config"] === undefined
        ? {}
        : checkSuiteSettings(readJsonFile("--suite-config", v["suite-config"])),
    reportDir: resolve(v["report-dir"] ?? "novakit-reports"),
    bench: v.bench
      ? { iterations: positiveInteger("--bench-iterations", v["bench-iterations"] ?? "50") }
      : false,
    quiet: v.quiet ?? false,
    ...(only !== undefined ? { only } : {}),
    ...(skip !== undefined ? { skip } : {}),
    ...(expected !== undefined ? { expectedFailures: expected as string[] } : {}),
    ...(v["run-id"] !== undefined ? { runId: v["run-id"] } : {}),
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: true,
    options: {
      driver: { type: "string" },
      config: { type: "string" },
      "suite-config": { type: "string" },
      only: { type: "string" },
      skip: { type: "string" },
      "report-dir": { type: "string" },
      bench: { type: "boolean" },
      "bench-iterations": { type: "string" },
      "expected-failures": { type: "string" },
      "run-id": { type: "string" },
      quiet: { type: "boolean" },
      help: { type: "boolean", short: "h" },
      version: { type: "boolean" },
    },
  });
}
