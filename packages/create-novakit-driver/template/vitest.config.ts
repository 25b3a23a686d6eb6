import { defineConfig } from "vitest/config";

export const config = defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // A real hypervisor takes seconds per spawn; the suite's own deadlines apply inside.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});

// biome-ignore lint/style/noDefaultExport: vitest reads the default export
export default config;
