import { defineConfig } from "tsup";

export const tsupConfig = defineConfig({
  entry: ["src/index.ts", "src/cli.ts", "src/suite/entry.ts"],
  format: ["esm"],
  target: "node22",
  dts: { entry: ["src/index.ts"] },
  sourcemap: true,
  clean: true,
});

// tsup reads the default export; the rest of the project uses named exports.
// biome-ignore lint/style/noDefaultExport: required by tsup's config loader
export default tsupConfig;
