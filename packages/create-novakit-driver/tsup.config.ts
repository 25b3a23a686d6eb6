import { cpSync } from "node:fs";
import { packageBuild } from "../../tsup.base.js";
import { templateVersionsDefine } from "./template-versions.js";

// tsup reads the default export; the rest of the project uses named exports.
// biome-ignore lint/style/noDefaultExport: required by tsup's config loader
export default packageBuild(["src/index.ts", "src/cli.ts"], {
  dts: { entry: ["src/index.ts"] },
  define: templateVersionsDefine(),
  // The template ships as files beside the code that copies it.
  onSuccess: async () => {
    cpSync("template", "dist/template", { recursive: true });
  },
});
