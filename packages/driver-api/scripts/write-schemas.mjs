// Writes the contract's published artifacts under schemas/, from the built
// package: each JSON Schema (the same objects the TypeScript types are
// checked against), and the power-state table as data. They are committed,
// and ./dev test fails when a build changes them, so any change to a
// constraint or to a cell of the table shows up in review.
import { mkdirSync, writeFileSync } from "node:fs";
import { ALLOWED_STATES, CONTRACT_VERSION, POWER_TRANSITIONS, schemas } from "../dist/index.js";

const outDir = new URL("../schemas/", import.meta.url);
mkdirSync(outDir, { recursive: true });
const write = (file, value) =>
  writeFileSync(new URL(file, outDir), `${JSON.stringify(value, null, 2)}\n`);

for (const schema of Object.values(schemas)) {
  if (!schema.$id) continue; // helper shapes are published inside their parents
  write(schema.$id.split("/").pop(), schema);
}
write("power-transitions.json", {
  description:
    "The normative power-state table of the novakit compute-driver contract: operation -> current state -> transition.",
  contractMajor: Number(CONTRACT_VERSION.split(".")[0]),
  transitions: POWER_TRANSITIONS,
  allowedStates: ALLOWED_STATES,
});
