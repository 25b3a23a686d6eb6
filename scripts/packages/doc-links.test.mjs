import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { anchorsOf, docProblems, headingAnchor } from "./doc-links.mjs";

describe("headingAnchor", () => {
  it.each([
    ["Start from the template", "start-from-the-template"],
    ["Other operations: allowed states", "other-operations-allowed-states"],
    ["Why `driver-api` is a peer dependency", "why-driver-api-is-a-peer-dependency"],
    ["novakit-certify", "novakit-certify"],
  ])("%s → %s", (heading, anchor) => {
    expect(headingAnchor(heading)).toBe(anchor);
  });

  it("counts explicit ids as anchors", () => {
    expect(anchorsOf('| <a id="S-resize"></a>`S-resize` |').has("S-resize")).toBe(true);
  });
});

describe("docProblems", () => {
  const dir = mkdtempSync(join(tmpdir(), "doc-links-"));
  writeFileSync(join(dir, "other.md"), "# Other\n\n## Suite settings\n");
  const doc = join(dir, "doc.md");

  it("passes links to files and anchors that exist", () => {
    const text =
      "# Doc\n\n[a](other.md) [b](other.md#suite-settings) [c](#doc) [d](https://x.dev/a)";
    expect(docProblems(doc, text)).toEqual([]);
  });

  it("flags a source path, a missing file and a missing anchor", () => {
    const text = "see `packages/driver-api/src/errors.ts` [a](gone.md) [b](other.md#nope)";
    expect(docProblems(doc, text)).toEqual([
      `${doc} names packages/driver-api/src/..., a source path an npm user does not have`,
      `${doc} links to gone.md, which does not exist`,
      `${doc} links to other.md#nope, whose anchor #nope is not there`,
    ]);
  });
});
