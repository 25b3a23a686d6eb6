import { packageBuild } from "../../tsup.base.js";

// tsup reads the default export; the rest of the project uses named exports.
// The binding is an optional dependency, loaded at init: never bundled.
// biome-ignore lint/style/noDefaultExport: required by tsup's config loader
export default packageBuild(["src/index.ts"], { external: ["@novakit/node-libvirt"] });
