import { defineProject } from "vitest/config";

export const config = defineProject({
  test: { name: "driver-xen", include: ["test/**/*.test.ts"], testTimeout: 120_000 },
});

// biome-ignore lint/style/noDefaultExport: vitest reads the default export
export default config;
