import {
  CONTRACT_VERSION,
  impliedCapabilities,
  loadDriver,
  partitionCapabilities,
} from "@novakit/driver-api";
import { expect } from "vitest";
import { check, record } from "../check.js";
import { NotApplicable, type SuiteContext } from "../context.js";

function packaged(ctx: SuiteContext) {
  if (ctx.loaded === undefined) {
    throw new NotApplicable(
      "the driver was given as a definition, not a package, so it has no manifest to check",
    );
  }
  return ctx.loaded;
}

export function loadingTests(ctx: SuiteContext): void {
  check("C-LOAD-1", async () => {
    const loaded = packaged(ctx);
    expect(loaded.manifest.name).toMatch(/^[a-z][a-z0-9-]*$/);
    expect(loaded.manifest.contract).toBeTruthy();
  });

  check("C-LOAD-2", async () => {
    const loaded = packaged(ctx);
    expect(loaded.definition.name).toBe(loaded.manifest.name);
    expect(loaded.definition.contract).toBe(loaded.manifest.contract);
  });

  check("C-LOAD-3", async () => {
    // Reaching this test means the loader accepted the config.
    expect(ctx.client.info).toBeDefined();
  });

  check("C-LOAD-5", async () => {
    const loaded = packaged(ctx);
    const config = ctx.options.config;
    if (typeof config !== "object" || config === null || Array.isArray(config)) {
      throw new NotApplicable("the driver's config is not an object");
    }
    const setting = "novakitConformanceUnknownSetting";
    await expect(
      loadDriver(
        loaded.packageDir,
        { ...config, [setting]: true },
        { fromDir: ctx.options.fromDir },
      ),
    ).rejects.toMatchObject({ code: "NOVAKIT_ERR_CONFIG", details: { path: `/${setting}` } });
  });

  check("C-LOAD-4", async (t) => {
    const info = ctx.info;
    expect(info.hypervisorType.length).toBeGreaterThan(0);
    const { known, unknown } = partitionCapabilities(info.capabilities);
    // What it declared, and what its contract range gives it (suspend, for a 1.0 driver).
    const range =
      ctx.loaded?.manifest.contract ?? (ctx.options.driver as { contract?: string }).contract;
    const implied = impliedCapabilities(range ?? "^1.0.0");
    expect([...ctx.capabilities].sort()).toEqual([...new Set([...known, ...implied])].sort());
    record(t, "driver", {
      packageName: ctx.loaded?.packageName ?? null,
      packageVersion: ctx.loaded?.packageVersion ?? null,
      name: ctx.loaded?.manifest.name ?? null,
      contractRange: ctx.loaded?.manifest.contract ?? null,
      coreContract: CONTRACT_VERSION,
      hypervisorType: info.hypervisorType,
      hypervisorVersion: info.hypervisorVersion,
      capabilities: known,
      impliedCapabilities: implied.filter((c) => !known.includes(c)),
      unknownCapabilities: unknown,
    });
  });
}
