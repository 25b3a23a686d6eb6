// The conformance suite, as novakit-certify runs it, inside this package's
// own vitest run. It loads the built package (dist/, through the manifest),
// so `npm test` builds first.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { registerConformanceSuite } from "@novakit/conformance";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const config: unknown = JSON.parse(
  readFileSync(new URL("../driver.json", import.meta.url), "utf8"),
);

registerConformanceSuite({ driver: packageDir, config });
