import { defineProject } from "vitest/config";

export const config = defineProject({
  test: {
    name: "driver-api",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
  },
});

// biome-ignore lint/style/noDefaultExport: vitest reads the default export
export default config;
