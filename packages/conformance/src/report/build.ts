import { cpus, hostname, release, totalmem } from "node:os";
import { CAPABILITIES, CAPABILITY_NAMES, CONTRACT_VERSION } from "@novakit/driver-api";
import { clause } from "../catalog/clauses.js";
import type { CapabilityVerdict, CertificationReport, TestResult } from "./schema.js";
import { REPORT_SCHEMA_ID } from "./schema.js";

/** A test's outcome as the runner saw it, before it is tied to its clause. */
export interface RawResult {
  readonly name: string;
  readonly state: "passed" | "failed" | "skipped";
  readonly durationMs: number;
  readonly meta: Readonly<Record<string, unknown>>;
  readonly error?: string;
  readonly skipReason?: string;
}

export interface BuildInput {
  readonly results: readonly RawResult[];
  readonly specifier: string;
  readonly suiteVersion: string;
  readonly runId: string;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly interrupted: boolean;
  readonly only?: string;
  readonly skip?: string;
  /** Clause ids (or full test names) the driver is known to fail. */
  readonly expectedFailures?: readonly string[];
  /** Why no test could run: the loader refused the driver, or its init failed. */
  readonly refusedBecause?: string;
}

interface DriverMeta {
  packageName: string | null;
  packageVersion: string | null;
  name: string | null;
  contractRange: string | null;
  hypervisorType: string;
  hypervisorVersion: string;
  capabilities: string[];
  /** Capabilities the driver has by its contract range (suspend, for a 1.0 driver). */
  impliedCapabilities?: string[];
}

interface HostMeta {
  hypervisorType: string;
  hypervisorVersion: string;
  hostname: string;
  cpuModel: string;
}

/** Ties raw results to their clauses and decides the verdicts. */
export function buildReport(input: BuildInput): CertificationReport {
  const expected = new Set(input.expectedFailures ?? []);
  const tests: TestResult[] = input.results.map((r) => {
    const id = r.name.split(" ", 1)[0] ?? "";
    const c = clause(id);
    const isExpected = r.state === "failed" && (expected.has(c.id) || expected.has(r.name));
    return {
      clause: c.id,
      name: r.name,
      group: c.group,
      level: c.level,
      ...(c.capability ? { capability: c.capability } : {}),
      state: r.state,
      durationMs: Math.round(r.durationMs * 1000) / 1000,
      ...(r.skipReason ? { skipReason: r.skipReason } : {}),
      ...(r.error ? { error: r.error } : {}),
      ...(isExpected ? { expectedFailure: true } : {}),
    };
  });

  const driverMeta = input.results.find((r) => r.meta.driver)?.meta.driver as
    | DriverMeta
    | undefined;
  const hostMeta = input.results.find((r) => r.meta.host)?.meta.host as HostMeta | undefined;
  const benchMeta = input.results.find((r) => r.meta.bench)?.meta
    .bench as CertificationReport["benchmark"];
  const statsMeta = input.results.find((r) => r.meta.stats)?.meta.stats as
    | { driverCalls: number; suiteMs: number; driverMs: number; eventWaitMs: number }
    | undefined;
  const round3 = (x: number) => Math.round(x * 1000) / 1000;
  const stats = statsMeta
    ? {
        driverCalls: statsMeta.driverCalls,
        suiteMs: round3(statsMeta.suiteMs),
        driverMs: round3(statsMeta.driverMs),
        eventWaitMs: round3(statsMeta.eventWaitMs),
        suiteOverheadMsPerCall: round3(
          (statsMeta.suiteMs - statsMeta.driverMs - statsMeta.eventWaitMs) /
            Math.max(1, statsMeta.driverCalls),
        ),
      }
    : undefined;
  const claimed = new Set([
    ...(driverMeta?.capabilities ?? []),
    ...(driverMeta?.impliedCapabilities ?? []),
  ]);

  const capabilities: CapabilityVerdict[] = CAPABILITY_NAMES.map((name) => {
    const trait = CAPABILITIES[name].trait;
    if (!claimed.has(name))
      return { name, trait, verdict: "not-claimed", evidence: [`C-UNSUP-${name}`] };
    const own = tests.filter((t) => t.clause === `C-CAP-${name}`);
    const verdict = own.some((t) => t.state === "failed")
      ? "failed"
      : own.length > 0 && own.every((t) => t.state === "passed")
        ? "passed"
        : "untested";
    return { name, trait, verdict, evidence: [`C-CAP-${name}`] };
  });

  const failed = tests.filter((t) => t.state === "failed");
  const mustFailed = failed.filter((t) => t.level === "MUST");
  const failedClauses = new Set(failed.map((t) => t.clause));
  const unexpectedPasses = [...expected].filter(
    (id) =>
      tests.some((t) => t.clause === id || t.name === id) &&
      !failedClauses.has(id) &&
      !failed.some((t) => t.name === id),
  );

  const verdictReasons: string[] = [];
  if (input.refusedBecause !== undefined) verdictReasons.push(input.refusedBecause);
  if (input.interrupted) verdictReasons.push("the run was interrupted before every test had run");
  if (tests.length === 0 && input.refusedBecause === undefined) verdictReasons.push("no test ran");
  for (const id of new Set(mustFailed.map((t) => t.clause))) {
    const c = clause(id);
    verdictReasons.push(`${c.id} (MUST) failed: ${c.text}`);
  }
  if (input.only !== undefined || input.skip !== undefined) {
    verdictReasons.push("tests were excluded with --only or --skip; only a full run can certify");
  }

  const memoryMiB = Math.round(totalmem() / 1048576);
  return {
    $schema: REPORT_SCHEMA_ID,
    reportVersion: 1,
    verdict: verdictReasons.length === 0 ? "certified" : "not-certified",
    verdictReasons,
    suite: { name: "@novakit/conformance", version: input.suiteVersion },
    contract: { version: CONTRACT_VERSION },
    driver: {
      specifier: input.specifier,
      packageName: driverMeta?.packageName ?? null,
      packageVersion: driverMeta?.packageVersion ?? null,
      name: driverMeta?.name ?? null,
      contractRange: driverMeta?.contractRange ?? null,
    },
    hypervisor: hostMeta
      ? {
          type: hostMeta.hypervisorType,
          version: hostMeta.hypervisorVersion,
          hostname: hostMeta.hostname,
          cpuModel: hostMeta.cpuModel,
        }
      : driverMeta
        ? { type: driverMeta.hypervisorType, version: driverMeta.hypervisorVersion }
        : null,
    environment: {
      node: process.version,
      platform: process.platform,
      arch: process.arch,
      osRelease: release(),
      cpus: cpus().length,
      memoryMiB,
      hostname: hostname(),
    },
    run: {
      id: input.runId,
      startedAt: input.startedAt.toISOString(),
      finishedAt: input.finishedAt.toISOString(),
      durationMs: input.finishedAt.getTime() - input.startedAt.getTime(),
      interrupted: input.interrupted,
      ...(input.only !== undefined ? { only: input.only } : {}),
      ...(input.skip !== undefined ? { skip: input.skip } : {}),
    },
    summary: {
      total: tests.length,
      passed: tests.filter((t) => t.state === "passed").length,
      failed: failed.length,
      skipped: tests.filter((t) => t.state === "skipped").length,
      mustFailed: mustFailed.length,
      shouldFailed: failed.length - mustFailed.length,
      expectedFailures: tests.filter((t) => t.expectedFailure).length,
      unexpectedPasses,
    },
    capabilities,
    tests,
    ...(stats ? { stats } : {}),
    ...(benchMeta ? { benchmark: benchMeta } : {}),
  };
}
