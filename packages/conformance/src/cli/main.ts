import { readFileSync } from "node:fs";
import { buildReport } from "../report/build.js";
import { writeReports } from "../report/write.js";
import { runCertification } from "../runner/run.js";
import { CERTIFY_USAGE, parseCertifyArgs } from "./args.js";
import { cleanupCommand } from "./cleanup-command.js";
import { ExitCode, UserFacingError } from "./exit-codes.js";
import { matrixCommand } from "./matrix-command.js";
import { preflight } from "./preflight.js";
import { renderSummary } from "./summary.js";

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

/**
 * The novakit-certify command. Returns the exit code; a user error prints
 * one line and the fix, an internal error its stack.
 */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    if (argv[0] === "matrix") return await matrixCommand(argv.slice(1));
    if (argv[0] === "cleanup") return await cleanupCommand(argv.slice(1));
    return await certify(argv);
  } catch (err) {
    if (err instanceof UserFacingError) {
      process.stderr.write(`novakit-certify: ${err.message}\n`);
      return err.exitCode;
    }
    process.stderr.write(
      `novakit-certify: internal error, please report it:\n${(err as Error)?.stack ?? String(err)}\n`,
    );
    return ExitCode.Internal;
  }
}

async function certify(argv: readonly string[]): Promise<number> {
  const args = parseCertifyArgs(argv);
  if (args === "help") {
    process.stdout.write(`${CERTIFY_USAGE}\n`);
    return ExitCode.Certified;
  }
  if (args === "version") {
    process.stdout.write(`${version()}\n`);
    return ExitCode.Certified;
  }
  try {
    await preflight(args.driver, args.config, process.cwd());
  } catch (err) {
    // A CI job that reads certification.json gets an answer here too: the
    // four reports, not certified, the refusal as the reason.
    if (err instanceof UserFacingError) {
      const now = new Date();
      const report = buildReport({
        results: [],
        specifier: args.driver,
        suiteVersion: version(),
        runId: args.runId ?? "refused",
        startedAt: now,
        finishedAt: now,
        interrupted: false,
        refusedBecause: err.message,
      });
      writeReports(report, args.reportDir);
    }
    throw err;
  }

  const interrupt = new AbortController();
  const onSignal = () => {
    process.stderr.write(
      "\nnovakit-certify: interrupted; cleaning up and writing the reports...\n",
    );
    interrupt.abort();
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  if (!args.quiet)
    process.stderr.write(`novakit-certify ${version()}: certifying ${args.driverLabel}\n`);
  try {
    const report = await runCertification({
      driver: args.driver,
      config: args.config,
      ...args.suite,
      bench: args.bench,
      signal: interrupt.signal,
      ...(args.quiet ? {} : { progress: process.stderr }),
      ...(args.only !== undefined ? { only: args.only } : {}),
      ...(args.skip !== undefined ? { skip: args.skip } : {}),
      ...(args.expectedFailures !== undefined ? { expectedFailures: args.expectedFailures } : {}),
      ...(args.runId !== undefined ? { runId: args.runId } : {}),
    });
    const files = writeReports(report, args.reportDir);
    process.stdout.write(args.quiet ? `${report.verdict}\n` : renderSummary(report, files));
    return report.verdict === "certified" ? ExitCode.Certified : ExitCode.NotCertified;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
