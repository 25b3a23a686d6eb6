import { type Static, Type } from "@sinclair/typebox";

const Nullable = <T extends ReturnType<typeof Type.Object>>(schema: T) =>
  Type.Union([schema, Type.Null()]);

const OperationFigures = Type.Object(
  {
    samples: Type.Integer({ minimum: 0 }),
    p50Ms: Type.Number({ minimum: 0 }),
    p95Ms: Type.Number({ minimum: 0 }),
    p99Ms: Type.Number({ minimum: 0 }),
    meanMs: Type.Number({ minimum: 0 }),
    opsPerSecond: Type.Number({ minimum: 0 }),
  },
  { additionalProperties: false },
);

export const TestResultSchema = Type.Object(
  {
    clause: Type.String({ description: "the id of the contract clause the test checks" }),
    name: Type.String(),
    group: Type.String(),
    level: Type.Union([Type.Literal("MUST"), Type.Literal("SHOULD")]),
    capability: Type.Optional(Type.String()),
    state: Type.Union([Type.Literal("passed"), Type.Literal("failed"), Type.Literal("skipped")]),
    durationMs: Type.Number({ minimum: 0 }),
    skipReason: Type.Optional(Type.String()),
    error: Type.Optional(Type.String({ description: "what went wrong, first line first" })),
    expectedFailure: Type.Optional(
      Type.Boolean({ description: "listed in the expected-failures file" }),
    ),
  },
  { additionalProperties: false },
);

export const CapabilityVerdictSchema = Type.Object(
  {
    name: Type.String(),
    trait: Type.String(),
    verdict: Type.Union([
      Type.Literal("passed"),
      Type.Literal("failed"),
      Type.Literal("untested"),
      Type.Literal("not-claimed"),
    ]),
    evidence: Type.Array(Type.String(), {
      description: "the clause ids whose results decided the verdict",
    }),
  },
  { additionalProperties: false },
);

/**
 * The machine-readable certification report. Versioned by `reportVersion`;
 * fields are only added within a version.
 */
export const CertificationReportSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    reportVersion: Type.Literal(1),
    verdict: Type.Union([Type.Literal("certified"), Type.Literal("not-certified")]),
    verdictReasons: Type.Array(Type.String()),
    suite: Type.Object(
      { name: Type.String(), version: Type.String() },
      { additionalProperties: false },
    ),
    contract: Type.Object({ version: Type.String() }, { additionalProperties: false }),
    driver: Type.Object(
      {
        specifier: Type.String(),
        packageName: Type.Union([Type.String(), Type.Null()]),
        packageVersion: Type.Union([Type.String(), Type.Null()]),
        name: Type.Union([Type.String(), Type.Null()]),
        contractRange: Type.Union([Type.String(), Type.Null()]),
      },
      { additionalProperties: false },
    ),
    hypervisor: Nullable(
      Type.Object(
        {
          type: Type.String(),
          version: Type.String(),
          hostname: Type.Optional(Type.String()),
          cpuModel: Type.Optional(Type.String()),
        },
        { additionalProperties: false },
      ),
    ),
    environment: Type.Object(
      {
        node: Type.String(),
        platform: Type.String(),
        arch: Type.String(),
        osRelease: Type.String(),
        cpus: Type.Integer({ minimum: 0 }),
        memoryMiB: Type.Integer({ minimum: 0 }),
        hostname: Type.String(),
      },
      { additionalProperties: false },
    ),
    run: Type.Object(
      {
        id: Type.String(),
        startedAt: Type.String({ format: "date-time" }),
        finishedAt: Type.String({ format: "date-time" }),
        durationMs: Type.Number({ minimum: 0 }),
        interrupted: Type.Boolean(),
        only: Type.Optional(Type.String()),
        skip: Type.Optional(Type.String()),
      },
      { additionalProperties: false },
    ),
    summary: Type.Object(
      {
        total: Type.Integer({ minimum: 0 }),
        passed: Type.Integer({ minimum: 0 }),
        failed: Type.Integer({ minimum: 0 }),
        skipped: Type.Integer({ minimum: 0 }),
        mustFailed: Type.Integer({ minimum: 0 }),
        shouldFailed: Type.Integer({ minimum: 0 }),
        expectedFailures: Type.Integer({ minimum: 0 }),
        unexpectedPasses: Type.Array(Type.String(), {
          description: "clauses in the expected-failures file that now pass: remove them from it",
        }),
      },
      { additionalProperties: false },
    ),
    capabilities: Type.Array(CapabilityVerdictSchema),
    tests: Type.Array(TestResultSchema),
    stats: Type.Optional(
      Type.Object(
        {
          driverCalls: Type.Integer({
            minimum: 0,
            description: "calls the suite made into the driver",
          }),
          suiteMs: Type.Number({
            minimum: 0,
            description: "wall time from the suite's setup to its last test",
          }),
          driverMs: Type.Number({
            minimum: 0,
            description: "wall time with at least one driver call in flight",
          }),
          eventWaitMs: Type.Number({
            minimum: 0,
            description: "time spent waiting for lifecycle events, on purpose",
          }),
          suiteOverheadMsPerCall: Type.Number({
            description:
              "the suite's own time (not the driver's, not deliberate waits) per driver call",
          }),
        },
        { additionalProperties: false },
      ),
    ),
    benchmark: Type.Optional(
      Type.Object(
        {
          iterations: Type.Integer({ minimum: 0 }),
          operations: Type.Record(Type.String(), OperationFigures),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

/** One test's result in a certification report. @public */
export type TestResult = Static<typeof TestResultSchema>;
/** One capability's verdict: claimed and passed, claimed and failed, claimed but untested, not claimed. @public */
export type CapabilityVerdict = Static<typeof CapabilityVerdictSchema>;
/** The JSON certification report. @public */
export type CertificationReport = Static<typeof CertificationReportSchema>;

/** Where the report's JSON Schema is published. */
export const REPORT_SCHEMA_ID =
  "https://novakit.dev/schemas/conformance/v1/certification-report.json";

/** The report's JSON Schema as a standalone document. @public */
export const certificationReportSchema: Readonly<Record<string, unknown>> = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: REPORT_SCHEMA_ID,
  title: "novakit certification report",
  ...CertificationReportSchema,
};
