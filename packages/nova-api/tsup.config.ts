import { packageBuild } from "../../tsup.base.js";

// tsup reads the default export; the rest of the project uses named exports.
// node:sqlite exists only under its prefixed name: keep every "node:" prefix.
// biome-ignore lint/style/noDefaultExport: required by tsup's config loader
export default packageBuild(["src/index.ts"], {
  target: "node24",
  removeNodeProtocol: false,
});
