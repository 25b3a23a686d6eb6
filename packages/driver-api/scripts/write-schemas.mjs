// Writes each contract schema as a JSON file under schemas/, from the built
// package, so tools in other languages can use them. The files are build
// output of the same objects the TypeScript types come from.
import { mkdirSync, writeFileSync } from "node:fs";
import { schemas } from "../dist/index.js";

const outDir = new URL("../schemas/", import.meta.url);
mkdirSync(outDir, { recursive: true });
for (const schema of Object.values(schemas)) {
  if (!schema.$id) continue; // nested helper shapes are published inside their parents
  const file = schema.$id.split("/").pop();
  writeFileSync(new URL(file, outDir), `${JSON.stringify(schema, null, 2)}\n`);
}
