import { stripVTControlCharacters } from "node:util";
import type { Reporter, TestCase, TestModule } from "vitest/node";
import type { RawResult } from "../report/build.js";

/** Where live progress goes; a stream that is a TTY gets the running test on one rewritten line. */
export interface ProgressSink {
  write(text: string): void;
  readonly isTTY?: boolean;
}

const SYMBOL = { passed: "✓", failed: "✗", skipped: "-" } as const;

/**
 * A vitest reporter that collects each test's outcome for the certification
 * report and prints live progress: every test as it finishes, with its time
 * and a running count, and on a terminal the one that is running now.
 */
export class CertifyReporter implements Reporter {
  // Keyed by test id: after a cancelled run vitest may report a test twice.
  readonly #results = new Map<string, RawResult>();
  readonly unhandled: string[] = [];
  interrupted = false;
  #total = 0;
  #done = 0;
  readonly #out: ProgressSink | undefined;

  constructor(out?: ProgressSink) {
    this.#out = out;
  }

  onTestModuleCollected(module: TestModule): void {
    this.#total += [...module.children.allTests()].length;
  }

  onTestCaseReady(test: TestCase): void {
    if (this.#out?.isTTY) this.#out.write(`\r\x1b[2K  … ${test.name}`);
  }

  /** Each test's outcome, in the order they finished. */
  get results(): RawResult[] {
    return [...this.#results.values()];
  }

  onTestCaseResult(test: TestCase): void {
    if (this.#results.has(test.id)) return;
    const result = test.result();
    const diagnostic = test.diagnostic();
    const state = result.state === "passed" || result.state === "failed" ? result.state : "skipped";
    const durationMs = diagnostic?.duration ?? 0;
    const error = result.state === "failed" ? formatErrors(result.errors) : undefined;
    const skipReason = result.state === "skipped" ? (result.note ?? "skipped") : undefined;
    this.#results.set(test.id, {
      name: test.name,
      state,
      durationMs,
      meta: { ...test.meta() },
      ...(error !== undefined ? { error } : {}),
      ...(skipReason !== undefined ? { skipReason } : {}),
    });
    this.#done += 1;
    if (this.#out) {
      const count = `[${String(this.#done).padStart(String(this.#total).length)}/${this.#total}]`;
      const time = `${durationMs.toFixed(0)} ms`;
      const tail =
        state === "skipped"
          ? `  (${skipReason})`
          : state === "failed"
            ? `\n      ${firstLine(error)}`
            : "";
      this.#out.write(
        `${this.#out.isTTY ? "\r\x1b[2K" : ""}${count} ${SYMBOL[state]} ${test.name}  ${time}${tail}\n`,
      );
    }
  }

  onTestRunEnd(
    _modules: ReadonlyArray<TestModule>,
    errors: ReadonlyArray<{ message?: string; stack?: string }>,
    reason: "passed" | "interrupted" | "failed",
  ): void {
    if (reason === "interrupted") this.interrupted = true;
    for (const e of errors) this.unhandled.push(e.stack ?? e.message ?? String(e));
  }
}

function formatErrors(
  errors: ReadonlyArray<{ message?: string; diff?: string }> | undefined,
): string {
  if (!errors || errors.length === 0) return "failed";
  // Reports are read by programs and people, not terminals: no colour codes.
  return stripVTControlCharacters(
    errors.map((e) => [e.message ?? "failed", e.diff].filter(Boolean).join("\n")).join("\n"),
  );
}

function firstLine(text: string | undefined): string {
  return (text ?? "").split("\n", 1)[0] ?? "";
}
