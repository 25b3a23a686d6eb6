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
export {
  type CapabilityVerdict,
  type CertificationReport,
  certificationReportSchema,
  type TestResult,
} from "./report/schema.js";
export type { ProgressSink } from "./runner/progress-reporter.js";
export { type CertifyOptions, runCertification } from "./runner/run.js";
export type { SuiteOptions } from "./suite/options.js";
export { registerConformanceSuite } from "./suite/register.js";
