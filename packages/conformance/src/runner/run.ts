import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createVitest } from "vitest/node";
import { buildReport } from "../report/build.js";
import type { CertificationReport } from "../report/schema.js";
import type { SuiteOptions } from "../suite/options.js";
import { CertifyReporter, type ProgressSink } from "./progress-reporter.js";

/**
 * A certification run: the suite's options (with the driver named by
 * package or path, since the suite runs in a vitest worker) and how to run it.
 *
 * @public
 */
export interface CertifyOptions extends Omit<SuiteOptions, "driver" | "runId"> {
  /** The driver package, by name or path. */
  readonly driver: string;
  readonly runId?: string;
  /** Clause ids or test names the driver is known to fail; listed apart in the report. */
  readonly expectedFailures?: readonly string[];
  /** Where live progress goes; none when absent. */
  readonly progress?: ProgressSink;
  /** Interrupts the run: remaining tests are skipped, cleanup still runs, reports are still written. */
  readonly signal?: AbortSignal;
}

/** The module vitest runs: the suite's entry, which reads its options from the environment. */
const ENTRY = new URL("./suite/entry.js", import.meta.url);
const OPTIONS_ENV = "NOVAKIT_CERTIFY_OPTIONS";

function suiteVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
      version?: string;
    };
    return pkg.version ?? "0.0.0";
  } catch {
    return "0.0.0";
  }
}

/**
 * Runs the conformance suite against a driver package in a vitest run of its
 * own and returns the certification report.
 *
 * @public
 */
export async function runCertification(options: CertifyOptions): Promise<CertificationReport> {
  const runId = options.runId ?? Math.random().toString(36).slice(2, 10);
  const { progress, signal, expectedFailures, ...rest } = options;
  const suiteOptions: SuiteOptions = { ...rest, runId };
  if (!existsSync(ENTRY)) {
    throw new Error(
      `the suite's entry module ${ENTRY.pathname} is missing; build @novakit/conformance first`,
    );
  }
  const workDir = mkdtempSync(join(tmpdir(), "novakit-certify-"));
  const testFile = join(workDir, "certify.test.mjs");
  writeFileSync(testFile, `import ${JSON.stringify(pathToFileURL(ENTRY.pathname).href)};\n`);

  const reporter = new CertifyReporter(progress);
  const callTimeoutMs = options.callTimeoutMs ?? 60_000;
  const startedAt = new Date();
  const signalListeners = new Set([
    ...process.listeners("SIGINT"),
    ...process.listeners("SIGTERM"),
  ]);
  const vitest = await createVitest(
    "test",
    {
      config: false,
      root: workDir,
      dir: workDir,
      include: ["certify.test.mjs"],
      watch: false,
      reporters: [reporter],
      pool: "forks",
      fileParallelism: false,
      testTimeout: Math.max(120_000, callTimeoutMs * 5),
      hookTimeout: Math.max(120_000, callTimeoutMs * 5),
      env: { [OPTIONS_ENV]: JSON.stringify(suiteOptions) },
      passWithNoTests: true,
      // A failure shows the expected and the actual value whole, not "…(6)".
      chaiConfig: { truncateThreshold: 0 },
    },
    { logLevel: "error", server: { watch: null } },
  );
  // vitest exits the process on SIGINT and SIGTERM; a certification run
  // must instead stop, clean up what it made and write its reports, which is
  // what the caller's signal (wired to those signals by the CLI) asks for.
  for (const name of ["SIGINT", "SIGTERM"] as const) {
    for (const listener of process.listeners(name)) {
      if (!signalListeners.has(listener)) process.off(name, listener);
    }
  }
  const onAbort = () => {
    reporter.interrupted = true;
    void vitest.cancelCurrentRun("keyboard-input");
  };
  signal?.addEventListener("abort", onAbort, { once: true });
  const exitCode = process.exitCode;
  try {
    if (!signal?.aborted) await vitest.start();
  } finally {
    signal?.removeEventListener("abort", onAbort);
    await vitest.close();
    // vitest marks the process failed when a test fails; the verdict is ours to give.
    process.exitCode = exitCode;
    rmSync(workDir, { recursive: true, force: true });
  }
  if (reporter.unhandled.length > 0 && reporter.results.length === 0) {
    throw new Error(`the suite could not run: ${reporter.unhandled.join("\n")}`);
  }
  return buildReport({
    results: reporter.results,
    specifier: options.driver,
    suiteVersion: suiteVersion(),
    runId,
    startedAt,
    finishedAt: new Date(),
    interrupted: reporter.interrupted || (signal?.aborted ?? false),
    ...(options.only !== undefined ? { only: options.only } : {}),
    ...(options.skip !== undefined ? { skip: options.skip } : {}),
    ...(expectedFailures !== undefined ? { expectedFailures } : {}),
  });
}
