import { defineProject } from "vitest/config";
import { templateVersionsDefine } from "./template-versions.js";

export const config = defineProject({
  define: templateVersionsDefine(),
  test: {
    name: "create-novakit-driver",
    // template/test is the generated package's own test, run where it is generated.
    include: ["test/**/*.test.ts"],
    // The generated package is type-checked and built with tsc.
    testTimeout: 60_000,
  },
});

// biome-ignore lint/style/noDefaultExport: vitest reads the default export
export default config;
