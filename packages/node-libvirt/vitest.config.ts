import { defineProject } from "vitest/config";

export const config = defineProject({
  test: { name: "node-libvirt", include: ["test/**/*.test.ts"] },
});

// biome-ignore lint/style/noDefaultExport: vitest reads the default export
export default config;
