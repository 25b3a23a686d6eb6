import { readFileSync, realpathSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  CONTRACT_VERSION,
  InvalidSpec,
  impliedCapabilities,
  isDriverError,
  loadDriver,
  partitionCapabilities,
  type SpawnRequest,
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

  check("C-PKG-1", async () => {
    const loaded = packaged(ctx);
    const manifest = JSON.parse(readFileSync(join(loaded.packageDir, "package.json"), "utf8")) as {
      dependencies?: Record<string, string>;
      peerDependencies?: Record<string, string>;
      bundleDependencies?: unknown;
      bundledDependencies?: unknown;
    };
    const problems: string[] = [];
    if (manifest.peerDependencies?.[CONTRACT_PACKAGE] === undefined) {
      problems.push(`package.json has no peerDependencies["${CONTRACT_PACKAGE}"]`);
    }
    if (manifest.dependencies?.[CONTRACT_PACKAGE] !== undefined) {
      problems.push(
        `package.json lists ${CONTRACT_PACKAGE} under dependencies: it must be a peer only`,
      );
    }
    for (const field of ["bundleDependencies", "bundledDependencies"] as const) {
      const bundled = manifest[field];
      if (bundled === true || (Array.isArray(bundled) && bundled.includes(CONTRACT_PACKAGE))) {
        problems.push(`package.json bundles ${CONTRACT_PACKAGE} (${field})`);
      }
    }
    // The copy the driver resolves must be the core's (here: the kit's) own.
    const ours = contractCopy(fileURLToPath(import.meta.url));
    const theirs = contractCopy(join(loaded.packageDir, "package.json"));
    if (theirs !== undefined && ours !== undefined && theirs !== ours) {
      problems.push(
        `the driver resolves its own copy of ${CONTRACT_PACKAGE} at ${theirs}, not the core's at ${ours}`,
      );
    }
    // A driver that bundled the contract into its code throws errors of its
    // own copy's classes: instanceof the core's class fails.
    const err = await ctx.driver
      .spawn(invalidRequest(ctx), {
        signal: AbortSignal.timeout(ctx.options.callTimeoutMs),
        requestId: ctx.call().requestId,
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    if (isDriverError(err, "NOVAKIT_INVALID_SPEC") && !(err instanceof InvalidSpec)) {
      problems.push(
        `its InvalidSpec is not the core's class: the driver carries its own copy of ${CONTRACT_PACKAGE}`,
      );
    }
    expect(problems, "how the driver takes the contract").toEqual([]);
  });
}

const CONTRACT_PACKAGE = "@novakit/driver-api";

/** A spawn request every driver refuses (0 vCPUs), of a UUID nothing else uses. */
function invalidRequest(ctx: SuiteContext): SpawnRequest {
  const request = ctx.request();
  return { ...request, flavor: { ...request.flavor, vcpus: 0 } };
}

/** The real path of the contract package that code at `from` resolves, if any. */
function contractCopy(from: string): string | undefined {
  try {
    return realpathSync(dirname(createRequire(from).resolve(`${CONTRACT_PACKAGE}/package.json`)));
  } catch {
    return undefined;
  }
}
