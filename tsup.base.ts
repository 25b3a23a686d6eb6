import { defineConfig, type Options } from "tsup";

/** The build every published package shares: ESM for Node 22+, declarations, source maps. */
export function packageBuild(entry: string[], overrides: Options = {}) {
  return defineConfig({
    entry,
    format: ["esm"],
    target: "node22",
    dts: true,
    sourcemap: true,
    clean: true,
    ...overrides,
  });
}
