// The public surface of @novakit/conformance. This file only re-exports.

export {
  CLAUSES,
  type Clause,
  clause,
  GROUPS,
  type Group,
  type Level,
  transitionClauseId,
} from "./catalog/clauses.js";
export { ExitCode } from "./cli/exit-codes.js";
export { renderHtml } from "./report/html.js";
export { renderJUnit } from "./report/junit.js";
export { renderMarkdown } from "./report/markdown.js";
export {
  type MatrixEntry,
  renderSupportMatrix,
  renderSupportMatrixJson,
  type SupportMatrix,
} from "./report/matrix.js";
export {
  type CapabilityVerdict,
  type CertificationReport,
  certificationReportSchema,
  type TestResult,
} from "./report/schema.js";
export { validateReport } from "./report/validate.js";
export { REPORT_FILES, writeReports } from "./report/write.js";
export type { ProgressSink } from "./runner/progress-reporter.js";
export { type CertifyOptions, runCertification } from "./runner/run.js";
export { HOSTILE_STRINGS } from "./suite/groups/hostile.js";
export type { SuiteOptions } from "./suite/options.js";
export { registerConformanceSuite } from "./suite/register.js";
