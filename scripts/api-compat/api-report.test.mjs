// Proves the API report gate has teeth: api-extractor, run as CI runs it
// (not --local), fails when the public surface differs from the checked-in
// report, and passes when they agree.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Extractor, ExtractorConfig } from "@microsoft/api-extractor";
import { afterAll, describe, expect, it } from "vitest";

const pkgDir = new URL("../../packages/driver-api/", import.meta.url).pathname;
const work = join(pkgDir, "temp", "api-gate-test");
const reports = mkdtempSync(join(tmpdir(), "api-gate-"));

function runGate(dtsText) {
  mkdirSync(work, { recursive: true });
  const entry = join(work, "index.d.ts");
  writeFileSync(entry, dtsText);
  const base = JSON.parse(readFileSync(join(pkgDir, "api-extractor.json"), "utf8"));
  const configObject = {
    ...base,
    projectFolder: pkgDir,
    mainEntryPointFilePath: entry,
    apiReport: {
      enabled: true,
      reportFolder: reports,
      reportTempFolder: join(reports, "temp"),
      reportFileName: "driver-api",
    },
    compiler: { tsconfigFilePath: join(pkgDir, "tsconfig.json") },
  };
  delete configObject.$schema;
  const config = ExtractorConfig.prepare({
    configObject,
    configObjectFullPath: join(pkgDir, "api-extractor.json"),
    packageJsonFullPath: join(pkgDir, "package.json"),
  });
  return Extractor.invoke(config, {
    localBuild: false,
    messageCallback: (m) => {
      m.handled = true;
    },
  });
}

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  rmSync(reports, { recursive: true, force: true });
});

describe("the API report gate", () => {
  const dts = readFileSync(join(pkgDir, "dist", "index.d.ts"), "utf8");
  copyFileSync(join(pkgDir, "etc", "driver-api.api.md"), join(reports, "driver-api.api.md"));

  it("passes when the surface matches the checked-in report", () => {
    const result = runGate(dts);
    expect(result.apiReportChanged).toBe(false);
    expect(result.succeeded).toBe(true);
  }, 60_000);

  it("fails when an export is added and the report is not updated", () => {
    const result = runGate(
      `${dts}\n/** @public */\nexport declare function sneakyAddition(): void;\n`,
    );
    expect(result.apiReportChanged).toBe(true);
    expect(result.succeeded).toBe(false);
  }, 60_000);

  it("fails when a required driver method is added and the report is not updated", () => {
    const changed = dts.replace(
      /(interface ComputeDriver \{)/,
      "$1\n    extraRequired(): Promise<void>;",
    );
    expect(changed).not.toBe(dts);
    const result = runGate(changed);
    expect(result.apiReportChanged).toBe(true);
    expect(result.succeeded).toBe(false);
  }, 60_000);
});
