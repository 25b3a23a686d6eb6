import { describe, expect, it } from "vitest";
import { parseCreateArgs } from "../src/args.js";
import { UsageError } from "../src/errors.js";

function refusal(argv: string[]): string {
  try {
    parseCreateArgs(argv);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error(`${argv.join(" ")} was accepted`);
}

describe("parseCreateArgs", () => {
  it.each([
    [["acme"], "acme", "novakit-driver-acme"],
    [["novakit-driver-acme"], "acme", "novakit-driver-acme"],
    [["driver-acme"], "acme", "novakit-driver-acme"],
    [["some/where/acme-cloud"], "acme-cloud", "novakit-driver-acme-cloud"],
    [["My Driver", "--name", "mine"], "mine", "novakit-driver-mine"],
    [["x", "--name", "acme", "--package", "@acme/novakit-driver"], "acme", "@acme/novakit-driver"],
    [["--name=acme", "x"], "acme", "novakit-driver-acme"],
  ])("%j gives the driver %s, package %s", (argv, driverName, packageName) => {
    const args = parseCreateArgs(argv);
    expect(args).toMatchObject({ driverName, packageName });
  });

  it("answers --help and --version", () => {
    expect(parseCreateArgs(["--help"])).toBe("help");
    expect(parseCreateArgs(["-h"])).toBe("help");
    expect(parseCreateArgs(["--version"])).toBe("version");
  });

  it.each([
    [[], /^<dir> is missing/],
    [["a", "b"], /^unexpected argument "b"/],
    [["x", "--name", "Acme"], /^--name "Acme" is not a driver name/],
    [["x", "--name", "1acme"], /^--name "1acme" is not a driver name/],
    [["x", "--name", "a".repeat(65)], /^--name "a{65}" is not a driver name/],
    [["My Driver"], /^the directory name "My Driver" gives no driver name; pass --name/],
    [["x", "--package", "Has Space"], /^--package "Has Space" is not an npm package name/],
    [["x", "--package", ".hidden"], /^--package ".hidden" is not an npm package name/],
    [["x", "--nme", "acme"], /^unknown flag --nme; the flags are --name, --package/],
    [["x", "-n"], /^unknown flag -n;/],
    [["x", "--name"], /^--name needs a value, such as --name acme$/],
    [["x", "--help=yes"], /^--help takes no value$/],
  ])("refuses %j in one line naming what to fix", (argv, message) => {
    const text = refusal(argv);
    expect(text).toMatch(message);
    expect(text).not.toContain("\n");
  });
});
