import { defineProject } from "vitest/config";

export const config = defineProject({
  test: {
    name: "conformance",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // Each certification test starts a nested vitest run; give them room.
    testTimeout: 120_000,
  },
});

// biome-ignore lint/style/noDefaultExport: vitest reads the default export
export default config;
