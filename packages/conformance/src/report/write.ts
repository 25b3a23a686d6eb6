import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderHtml } from "./html.js";
import { renderJUnit } from "./junit.js";
import { renderMarkdown } from "./markdown.js";
import type { CertificationReport } from "./schema.js";

/** The file names of a report directory. */
export const REPORT_FILES = {
  json: "certification.json",
  junit: "junit.xml",
  markdown: "certification.md",
  html: "certification.html",
} as const;

/**
 * Writes the four reports into `dir` and returns their paths. The JSON one
 * is written first and alone is enough to render the others again.
 *
 * @public
 */
export function writeReports(report: CertificationReport, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const files: [string, string][] = [
    [REPORT_FILES.json, `${JSON.stringify(report, null, 2)}\n`],
    [REPORT_FILES.junit, renderJUnit(report)],
    [REPORT_FILES.markdown, renderMarkdown(report)],
    [REPORT_FILES.html, renderHtml(report)],
  ];
  return files.map(([name, text]) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  });
}
