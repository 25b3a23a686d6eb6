import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { renderSupportMatrix, renderSupportMatrixJson } from "../report/matrix.js";
import { validateReport } from "../report/validate.js";
import { readJsonFile } from "./args.js";
import { ExitCode, UserFacingError } from "./exit-codes.js";

/**
 * `novakit-certify matrix <report.json>... --out docs/support-matrix.md`:
 * merges certification reports into the support matrix, each cell linking
 * to the report that backs it.
 */
export async function matrixCommand(argv: readonly string[]): Promise<number> {
  let parsed: { values: { out?: string; json?: string }; positionals: string[] };
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: { out: { type: "string" }, json: { type: "string" } },
    });
  } catch (err) {
    throw new UserFacingError(ExitCode.Usage, `matrix: ${(err as Error).message}`);
  }
  if (parsed.positionals.length === 0) {
    throw new UserFacingError(
      ExitCode.Usage,
      "matrix: name at least one certification.json report",
    );
  }
  const out = parsed.values.out === undefined ? undefined : resolve(parsed.values.out);
  const entries = parsed.positionals.map((file) => {
    const report = readJsonFile(file, file);
    const problem = validateReport(report);
    if (problem !== undefined) {
      throw new UserFacingError(
        ExitCode.Usage,
        `matrix: ${file} is not a certification report: ${problem}`,
      );
    }
    const target = resolve(file).replace(/\.json$/, ".md");
    const href = out ? relative(dirname(out), target) : target;
    return { report: report as Parameters<typeof renderSupportMatrix>[0][number]["report"], href };
  });
  const markdown = renderSupportMatrix(entries);
  if (out) {
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, markdown);
    process.stdout.write(`support matrix written to ${out}\n`);
  } else {
    process.stdout.write(markdown);
  }
  if (parsed.values.json) {
    writeFileSync(
      resolve(parsed.values.json),
      `${JSON.stringify(renderSupportMatrixJson(entries), null, 2)}\n`,
    );
  }
  return ExitCode.Certified;
}
