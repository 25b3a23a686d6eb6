import { defineProject } from "vitest/config";

export const config = defineProject({
  test: { name: "driver-support", include: ["test/**/*.test.ts"], testTimeout: 20_000 },
});

// biome-ignore lint/style/noDefaultExport: vitest reads the default export
export default config;
