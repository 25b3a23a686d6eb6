import { defineProject } from "vitest/config";

export const config = defineProject({
  test: {
    name: "nova-api",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});

// biome-ignore lint/style/noDefaultExport: vitest reads the default export
export default config;
