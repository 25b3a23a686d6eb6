// novakit-certify as a user runs it: the built command in a child process,
// its exit codes, its messages, and the reports it writes.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { validateReport } from "../src/report/validate.js";

const cli = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
const fake = fileURLToPath(new URL("../../driver-fake/", import.meta.url));
const fixtures = fileURLToPath(new URL("./fixtures/", import.meta.url));
const broken = fileURLToPath(new URL("./broken-drivers/", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "novakit-cli-test-"));

function certify(...args: string[]) {
  return execa("node", [cli, ...args], { reject: false, cwd: work, env: { NO_COLOR: "1" } });
}

function file(name: string, text: string): string {
  const path = join(work, name);
  writeFileSync(path, text);
  return path;
}

describe("novakit-certify cleanup", () => {
  it("prints its usage for --help and exits 0", async () => {
    const run = await certify("cleanup", "--help");
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^usage: novakit-certify cleanup --driver/);
    expect(run.stdout).toContain("--uuid <uuid>");
  });

  it("refuses an unknown flag and a UUID that is not one, naming it, with the usage", async () => {
    const unknown = await certify("cleanup", "--driver", fake, "--bogus");
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toMatch(/--bogus/);
    expect(unknown.stderr).toContain("usage: novakit-certify cleanup");
    const bad = await certify("cleanup", "--driver", fake, "--uuid", "NOT-A-UUID");
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('--uuid "NOT-A-UUID" is not a lower-case UUID');
  });

  it("destroys the instances named with --uuid, marked or not", async () => {
    const uuid = "0b7a3c1e-6f52-4d8e-9a10-2f3b4c5d6e7f";
    const run = await certify("cleanup", "--driver", fake, "--uuid", uuid);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain(`removed ${uuid} (named with --uuid)`);
    expect(run.stdout).toContain("1 leftover instance(s) removed");
  });
});

describe("novakit-certify", () => {
  it("certifies the reference driver, exits 0 and writes four reports, the JSON one valid", async () => {
    const reportDir = join(work, "reports-fake");
    const run = await certify(
      "--driver",
      fake,
      "--report-dir",
      reportDir,
      "--bench",
      "--bench-iterations",
      "5",
    );
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain("CERTIFIED");
    expect(run.stderr).toMatch(/\[\s*1\/\d+\] /); // live progress with a running count
    const json = JSON.parse(readFileSync(join(reportDir, "certification.json"), "utf8"));
    expect(validateReport(json)).toBeUndefined();
    expect(json.verdict).toBe("certified");
    expect(json.driver.packageName).toBe("@novakit/driver-fake");
    expect(Object.keys(json.benchmark.operations).sort()).toEqual([
      "destroy",
      "powerCycle",
      "reboot",
      "spawn",
    ]);
    expect(readFileSync(join(reportDir, "junit.xml"), "utf8")).toContain("<testsuites");
    expect(readFileSync(join(reportDir, "certification.md"), "utf8")).toContain("C-CLEAN-1");
    expect(readFileSync(join(reportDir, "certification.html"), "utf8")).toMatch(
      /^<!doctype html>/i,
    );
  });

  it("exits 1 for a driver that breaks the contract, naming the clause", async () => {
    const run = await certify(
      "--driver",
      join(broken, "destroy-not-idempotent"),
      "--report-dir",
      join(work, "r1"),
    );
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain("NOT CERTIFIED");
    expect(run.stdout).toContain("C-IDEMP-1 (MUST) failed");
  });

  it.each([
    ["an unknown flag", ["--driver", fake, "--colour"], /--colour/],
    ["no --driver", [], /--driver is required/],
    [
      "a missing config file",
      ["--driver", fake, "--config", "nope.json"],
      /--config: no file at .*nope\.json/,
    ],
    [
      "a config file that is not JSON",
      ["--driver", fake, "--config", "BAD_JSON"],
      /--config: .* is not valid JSON/,
    ],
    [
      "a bad --bench-iterations",
      ["--driver", fake, "--bench", "--bench-iterations", "0"],
      /--bench-iterations must be a whole number/,
    ],
    [
      "--bench-iterations without --bench",
      ["--driver", fake, "--bench-iterations", "5"],
      /goes with --bench/,
    ],
    [
      "a bad --only",
      ["--driver", fake, "--only", "(unclosed"],
      /--only is not a valid regular expression/,
    ],
    [
      "an unknown suite setting",
      ["--driver", fake, "--suite-config", "SUITE"],
      /"colour" is not a suite setting/,
    ],
    ["a stray argument", ["--driver", fake, "extra"], /unexpected argument "extra"/],
  ])("exits 2 for %s, with one line and no stack", async (_label, args, message) => {
    const resolved = args.map((a) =>
      a === "BAD_JSON"
        ? file("bad.json", "{ not json")
        : a === "SUITE"
          ? file("suite.json", '{"colour": 1}')
          : a,
    );
    const run = await certify(...resolved);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it.each([
    [
      "a package with no manifest",
      () => [join(fixtures, "..", "..")],
      /has no "novakitDriver" field/,
    ],
    [
      "a config its schema refuses",
      () => [fake, "--config", file("cfg.json", '{"hostnmae": "x"}')],
      /\/hostnmae/,
    ],
    ["a path that holds no package", () => [join(work, "nothing-here")], /no package\.json/],
  ])(
    "exits 3 when the driver cannot load: %s, and still writes the four reports",
    async (label, args, message) => {
      const [driver, ...rest] = args();
      const reportDir = join(work, `refused-${label.replaceAll(" ", "-")}`);
      const run = await certify("--driver", driver ?? "", ...rest, "--report-dir", reportDir);
      expect(run.exitCode).toBe(3);
      expect(run.stderr).toMatch(message);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      const json = JSON.parse(readFileSync(join(reportDir, "certification.json"), "utf8"));
      expect(validateReport(json)).toBeUndefined();
      expect(json.verdict).toBe("not-certified");
      expect(json.verdictReasons[0]).toMatch(message);
      expect(readFileSync(join(reportDir, "junit.xml"), "utf8")).toContain("<testsuites");
      expect(readFileSync(join(reportDir, "certification.md"), "utf8")).toContain("not certified");
    },
  );

  it("exits 4 when the hypervisor cannot be reached, and still writes the reports", async () => {
    const reportDir = join(work, "refused-unreachable");
    const run = await certify(
      "--driver",
      join(fixtures, "unreachable-hypervisor"),
      "--report-dir",
      reportDir,
    );
    expect(run.exitCode).toBe(4);
    expect(run.stderr).toMatch(/could not reach its hypervisor: .*connection refused/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    const json = JSON.parse(readFileSync(join(reportDir, "certification.json"), "utf8"));
    expect(json.verdictReasons).toEqual([expect.stringMatching(/connection refused/)]);
  });

  it("writes failures whole and without colour codes into the JSON report", async () => {
    const reportDir = join(work, "reports-broken-events");
    await certify("--driver", join(broken, "out-of-order-events"), "--report-dir", reportDir);
    const json = JSON.parse(readFileSync(join(reportDir, "certification.json"), "utf8"));
    const errors = json.tests
      .filter((t: { error?: string }) => t.error)
      .map((t: { error: string }) => t.error);
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) {
      expect(error.includes("\u001b["), "an ANSI escape in the report").toBe(false);
      expect(error).not.toMatch(/…\(\d+\)|\[ Array\(\d+\) \]/); // vitest's truncation marks
    }
  });

  it("never certifies a partial run, and lists excluded tests as skipped with the reason", async () => {
    const reportDir = join(work, "partial");
    const run = await certify("--driver", fake, "--only", "C-IDEMP", "--report-dir", reportDir);
    expect(run.exitCode).toBe(1);
    const json = JSON.parse(readFileSync(join(reportDir, "certification.json"), "utf8"));
    const skipped = json.tests.filter((t: { state: string }) => t.state === "skipped");
    expect(skipped.length).toBeGreaterThan(50);
    expect(skipped[0].skipReason).toMatch(/not selected by --only/);
    expect(
      json.tests.filter(
        (t: { clause: string; state: string }) =>
          t.clause.startsWith("C-IDEMP") && t.state === "passed",
      ),
    ).toHaveLength(4);
  });

  it("stops on SIGINT, still writes every report, and says the run was interrupted", async () => {
    const reportDir = join(work, "interrupted");
    const slow = file("slow.json", '{"latencyMs": 20}');
    const child = execa(
      "node",
      [cli, "--driver", fake, "--config", slow, "--report-dir", reportDir],
      {
        reject: false,
        cwd: work,
      },
    );
    await new Promise<void>((resolve) => {
      child.stderr?.on("data", (chunk: Buffer) => {
        if (/\[\s*5\/\d+\]/.test(chunk.toString())) resolve();
      });
    });
    child.kill("SIGINT");
    const run = await child;
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain("interrupted; cleaning up");
    const json = JSON.parse(readFileSync(join(reportDir, "certification.json"), "utf8"));
    expect(json.run.interrupted).toBe(true);
    expect(json.verdict).toBe("not-certified");
    expect(json.summary.total).toBe(json.tests.length);
    expect(
      json.tests.some((t: { skipReason?: string }) => /aborted/.test(t.skipReason ?? "")),
    ).toBe(true);
  });

  it("builds a support matrix from reports, each cell linking to its report", async () => {
    const reportDir = join(work, "reports-fake");
    const out = join(work, "docs", "support-matrix.md");
    const run = await execa(
      "node",
      [cli, "matrix", join(reportDir, "certification.json"), "--out", out],
      { reject: false },
    );
    expect(run.exitCode, run.stderr).toBe(0);
    const matrix = readFileSync(out, "utf8");
    expect(matrix).toContain("fake");
    expect(matrix).toMatch(/\]\(\.\.\/reports-fake\/certification\.md\)/);
  });

  it("refuses to build a matrix from a file that is not a report", async () => {
    const run = await execa(
      "node",
      [cli, "matrix", file("not-a-report.json", '{"verdict": "certified"}')],
      { reject: false },
    );
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/is not a certification report/);
  });
});
