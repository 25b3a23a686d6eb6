/**
 * Which tests a run includes. Excluded tests are still declared, and skip
 * with the reason, so the report lists every test of the suite: a test is
 * never silently missing.
 */
export interface Selection {
  readonly only?: string;
  readonly skip?: string;
}

let onlyPattern: RegExp | undefined;
let skipPattern: RegExp | undefined;

export function setSelection(selection: Selection): void {
  onlyPattern = selection.only ? new RegExp(selection.only) : undefined;
  skipPattern = selection.skip ? new RegExp(selection.skip) : undefined;
}

/** The reason a test is excluded from this run, or undefined when it runs. */
export function exclusionReason(name: string): string | undefined {
  if (onlyPattern && !onlyPattern.test(name)) return `not selected by --only ${onlyPattern.source}`;
  if (skipPattern?.test(name)) return `excluded by --skip ${skipPattern.source}`;
  return undefined;
}
