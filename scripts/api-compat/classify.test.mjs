import { describe, expect, it } from "vitest";
import { bumpCovers, diffReports, pendingBump, requiredBump } from "./classify.mjs";

const report = (body) => `## API Report\n\n\`\`\`ts\n${body}\n\`\`\`\n`;

const base = report(`// @public
export interface ComputeDriver {
    init(options: CallOptions): Promise<DriverInfo>;
    resize?(uuid: string): Promise<void>;
}

// @public
export interface DriverInfo {
    hypervisorType: string;
}

// @public
export const CONTRACT_VERSION = "1.0.0";`);

describe("requiredBump", () => {
  it.each([
    ["an unchanged report", base, "none"],
    [
      "only comments changed",
      base.replace("// @public\nexport const", "// @beta\nexport const"),
      "none",
    ],
    [
      "a new export",
      base.replace(
        "// @public\nexport const",
        "// @public\nexport function extra(): void;\n\n// @public\nexport const",
      ),
      "minor",
    ],
    [
      "a new optional driver method",
      base.replace("    resize?(", "    snapshot?(uuid: string): Promise<void>;\n    resize?("),
      "minor",
    ],
    [
      "a new field in an answer type",
      base.replace(
        "    hypervisorType: string;",
        "    hypervisorType: string;\n    hostname?: string;",
      ),
      "minor",
    ],
    [
      "a new required driver method",
      base.replace("    resize?(", "    migrate(uuid: string): Promise<void>;\n    resize?("),
      "major",
    ],
    [
      "a removed export",
      base.replace("export interface DriverInfo {\n    hypervisorType: string;\n}", ""),
      "major",
    ],
    ["an optional method made required", base.replace("resize?(", "resize("), "major"],
    [
      "a changed signature",
      base.replace("init(options: CallOptions)", "init(options: CallOptions, extra: number)"),
      "major",
    ],
  ])("%s needs %s", (_label, after, bump) => {
    expect(requiredBump(base, after).bump).toBe(bump);
  });

  it("counts a member moved from one interface to another as removed and added", () => {
    const moved = base
      .replace("    hypervisorType: string;\n", "")
      .replace("    resize?(", "    hypervisorType: string;\n    resize?(");
    const { added, removed } = diffReports(base, moved);
    expect(removed.map((r) => r.owner)).toEqual(["DriverInfo"]);
    expect(added.map((a) => a.owner)).toEqual(["ComputeDriver"]);
  });
});

describe("pendingBump", () => {
  const cs = (front) => `---\n${front}\n---\n\nSomething changed.\n`;
  it("takes the largest bump named for the package", () => {
    expect(
      pendingBump(
        [cs('"@novakit/driver-api": minor'), cs('"@novakit/driver-api": patch')],
        "@novakit/driver-api",
      ),
    ).toBe("minor");
    expect(pendingBump([cs("'@novakit/driver-api': major")], "@novakit/driver-api")).toBe("major");
  });
  it("ignores other packages and text outside the front matter", () => {
    expect(
      pendingBump(
        [cs('"@novakit/driver-fake": major'), "@novakit/driver-api: major"],
        "@novakit/driver-api",
      ),
    ).toBe("none");
  });
  it("orders bumps", () => {
    expect(bumpCovers("major", "minor")).toBe(true);
    expect(bumpCovers("minor", "major")).toBe(false);
    expect(bumpCovers("none", "none")).toBe(true);
    expect(bumpCovers("patch", "minor")).toBe(false);
  });
});
