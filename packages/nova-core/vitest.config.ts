import { defineProject } from "vitest/config";

export const config = defineProject({
  test: {
    name: "nova-core",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // The concurrency tests drive thousands of operations through the whole
    // engine; they assert outcomes, never durations, but need room to run.
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});

// biome-ignore lint/style/noDefaultExport: vitest reads the default export
export default config;
