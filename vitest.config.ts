import { defineConfig } from "vitest/config";

export const config = defineConfig({
  test: {
    projects: ["packages/*", { test: { name: "tooling", include: ["scripts/**/*.test.mjs"] } }],
  },
});

// biome-ignore lint/style/noDefaultExport: vitest reads the default export
export default config;
