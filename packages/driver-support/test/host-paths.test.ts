// A volume's source is confined to the configured volume directories the way
// an image is to the image directory (finding 2 of issue 10): resolved with
// every link followed, inside a configured directory, and of a kind the
// hypervisor may be handed.
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InvalidSpec } from "@novakit/driver-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { confineToDirectories, isInside, realDirectories } from "../src/host-paths.js";

describe("confineToDirectories", () => {
  let root: string;
  let volumes: string;
  let others: string;
  let outside: string;
  let dirs: string[];
  let mknod = true;

  const refusal = async (source: string, allowed = dirs): Promise<InvalidSpec> => {
    const err = await confineToDirectories(
      source,
      allowed,
      "/source",
      "volume",
      "regular-or-block",
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InvalidSpec);
    expect((err as InvalidSpec).path).toBe("/source");
    return err as InvalidSpec;
  };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "nk-volumes-"));
    volumes = join(root, "volumes");
    others = join(root, "more-volumes");
    outside = join(root, "elsewhere");
    await Promise.all([mkdir(volumes), mkdir(others), mkdir(outside)]);
    await writeFile(join(volumes, "data.img"), Buffer.alloc(4096));
    await writeFile(join(others, "second.img"), Buffer.alloc(4096));
    await writeFile(join(outside, "secret.img"), "not yours");
    await symlink(join(outside, "secret.img"), join(volumes, "escape.img"));
    await symlink(join(volumes, "data.img"), join(volumes, "alias.img"));
    await symlink("/etc/shadow", join(volumes, "shadow.img"));
    await mkdir(join(volumes, "sub"));
    execFileSync("mkfifo", [join(volumes, "pipe")]);
    try {
      execFileSync("mknod", [join(volumes, "zero"), "c", "1", "5"]); // /dev/zero's numbers
      execFileSync("mknod", [join(volumes, "loop"), "b", "7", "0"]); // a loop device's
    } catch {
      mknod = false; // not root: the device cases are skipped
    }
    dirs = await realDirectories([volumes, others], "volumeDirs");
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it("finds a volume by absolute path or by name in the first directory, as its real path", async () => {
    const byPath = await confineToDirectories(
      join(volumes, "data.img"),
      dirs,
      "/source",
      "volume",
      "regular",
    );
    expect(byPath.path).toBe(join(dirs[0] ?? "", "data.img"));
    const byName = await confineToDirectories("data.img", dirs, "/source", "volume", "regular");
    expect(byName.path).toBe(byPath.path);
    const second = await confineToDirectories(
      join(others, "second.img"),
      dirs,
      "/source",
      "volume",
      "regular",
    );
    expect(second.path).toBe(join(dirs[1] ?? "", "second.img"));
    const alias = await confineToDirectories(
      join(volumes, "alias.img"),
      dirs,
      "/source",
      "volume",
      "regular",
    );
    expect(alias.path).toBe(byPath.path);
  });

  it("refuses a file outside every volume directory, naming them", async () => {
    const err = await refusal(join(outside, "secret.img"));
    expect(err.reason).toMatch(/outside the directories this host allows/);
    expect(err.reason).toContain(dirs[0]);
    expect(err.reason).toContain(dirs[1]);
    await refusal("/etc/shadow");
    await refusal("/dev/sda");
  });

  it("refuses a traversal out of a volume directory", async () => {
    const err = await refusal(`${volumes}/../../../../etc/shadow`);
    expect(err.reason).toMatch(/outside/);
    await refusal(`${volumes}/../elsewhere/secret.img`);
    await refusal("../elsewhere/secret.img");
  });

  it("refuses a link inside a volume directory that points out of it", async () => {
    expect((await refusal(join(volumes, "escape.img"))).reason).toMatch(/resolves to/);
    await refusal(join(volumes, "shadow.img"));
    await refusal("shadow.img");
  });

  it("refuses what does not exist, directories, FIFOs and control characters", async () => {
    expect((await refusal(join(volumes, "missing.img"))).reason).toMatch(/no such file/);
    expect((await refusal(join(volumes, "sub"))).reason).toMatch(/a directory/);
    expect((await refusal(join(volumes, "pipe"))).reason).toMatch(/a FIFO/);
    expect((await refusal(`${volumes}/data.img\n`)).reason).toMatch(/control characters/);
    expect((await refusal("data.img", [])).reason).toMatch(/no directory is configured/);
    expect((await refusal(join(volumes, "data.img"), [])).reason).toMatch(
      /no directory is configured/,
    );
  });

  it("takes a block device inside a volume directory, and refuses a character device", async (ctx) => {
    if (!mknod) ctx.skip();
    const loop = await confineToDirectories(
      join(volumes, "loop"),
      dirs,
      "/source",
      "volume",
      "regular-or-block",
    );
    expect(loop.stats.isBlockDevice()).toBe(true);
    expect((await refusal(join(volumes, "zero"))).reason).toMatch(/a character device/);
    const imageOnly = await confineToDirectories(
      join(volumes, "loop"),
      dirs,
      "/source",
      "image",
      "regular",
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(imageOnly).toBeInstanceOf(InvalidSpec);
  });

  it("says which configured directory is missing", async () => {
    const err = await realDirectories([volumes, join(root, "nope")], "volumeDirs").then(
      () => undefined,
      (e: unknown) => e as InvalidSpec,
    );
    expect(err?.path).toBe("/volumeDirs/1");
  });

  it("isInside is strict about prefixes", () => {
    expect(isInside("/a/b/c", "/a/b")).toBe(true);
    expect(isInside("/a/bc", "/a/b")).toBe(false);
    expect(isInside("/a/b", "/a/b")).toBe(false);
  });
});
