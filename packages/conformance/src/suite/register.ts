import { afterAll, afterEach, beforeAll, describe } from "vitest";
import { SuiteContext } from "./context.js";
import { benchmarkTests } from "./groups/benchmark.js";
import { capabilityTests } from "./groups/capabilities.js";
import { cleanupTests } from "./groups/cleanup.js";
import { concurrencyTests } from "./groups/concurrency.js";
import { crashTests } from "./groups/crash.js";
import { eventTests } from "./groups/events.js";
import { hostTests } from "./groups/host.js";
import { hostileTests } from "./groups/hostile.js";
import { idempotencyTests } from "./groups/idempotency.js";
import { inputTests } from "./groups/input.js";
import { lifecycleTests } from "./groups/lifecycle.js";
import { loadingTests } from "./groups/loading.js";
import { resolveSuiteOptions, type SuiteOptions } from "./options.js";
import { setSelection } from "./selection.js";

/**
 * Registers the whole conformance suite with vitest, against one driver.
 * Call it at the top level of a test file:
 *
 * ```ts
 * import { registerConformanceSuite } from "@novakit/conformance";
 * registerConformanceSuite({ driver: "@acme/novakit-driver", config: { uri: "acme://" } });
 * ```
 *
 * Every test names the contract clause it checks. Each instance a test
 * creates is destroyed after it, whether the test passed or not; one still
 * there afterwards fails C-CLEAN-1.
 *
 * @public
 */
export function registerConformanceSuite(options: SuiteOptions): void {
  const ctx = new SuiteContext(resolveSuiteOptions(options));
  setSelection({
    ...(options.only !== undefined ? { only: options.only } : {}),
    ...(options.skip !== undefined ? { skip: options.skip } : {}),
  });
  describe("novakit conformance", () => {
    beforeAll(() => ctx.setup(), ctx.options.callTimeoutMs * 2);
    afterEach((t) => ctx.cleanupTracked(t.task.name), ctx.options.callTimeoutMs * 4);
    afterAll(() => ctx.teardown(), ctx.options.callTimeoutMs * 4);

    describe("loading", () => loadingTests(ctx));
    describe("host resources", () => hostTests(ctx));
    describe("lifecycle", () => lifecycleTests(ctx));
    describe("idempotency", () => idempotencyTests(ctx));
    describe("invalid input", () => inputTests(ctx));
    describe("events", () => eventTests(ctx));
    describe("concurrency", () => concurrencyTests(ctx));
    describe("hostile strings", () => hostileTests(ctx));
    describe("capabilities", () => capabilityTests(ctx));
    describe("crash", () => crashTests(ctx));
    describe("benchmark", () => benchmarkTests(ctx));
    describe("cleanup", () => cleanupTests(ctx));
  });
}
