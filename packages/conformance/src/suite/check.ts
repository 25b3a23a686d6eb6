import type { Capability } from "@novakit/driver-api";
import { it, type TestContext } from "vitest";
import { clause } from "../catalog/clauses.js";
import { NotApplicable, type SuiteContext } from "./context.js";
import { exclusionReason } from "./selection.js";

/** What a test records for the report, beside its result. */
export interface CheckMeta {
  clause?: string;
  [key: string]: unknown;
}

/**
 * Declares one test of the suite, named for the clause it checks. The name
 * starts with the clause id, which is how reports tie results to clauses;
 * `label` tells apart several tests of one clause.
 */
export function check(id: string, fn: (t: TestContext) => Promise<void>, label?: string): void {
  const c = clause(id);
  const name = `${c.id} ${label ?? c.text}`;
  const excluded = exclusionReason(name);
  it(name, async (t) => {
    (t.task.meta as CheckMeta).clause = c.id;
    if (excluded !== undefined) t.skip(excluded);
    try {
      await fn(t);
    } catch (err) {
      if (err instanceof NotApplicable) t.skip(err.message);
      throw err;
    }
  });
}

/** Skips the running test, with the reason, unless the driver declared `capability`. */
export function requireCapability(ctx: SuiteContext, t: TestContext, capability: Capability): void {
  if (!ctx.capabilities.has(capability)) t.skip(`the driver does not declare "${capability}"`);
}

/** Records a value the report shows with this test's result. */
export function record(t: TestContext, key: string, value: unknown): void {
  (t.task.meta as CheckMeta)[key] = value;
}
