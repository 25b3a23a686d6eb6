// Writes the certification report's JSON Schema next to the build, from the
// same TypeBox object the report type comes from.
import { mkdirSync, writeFileSync } from "node:fs";
import { certificationReportSchema } from "../dist/index.js";

const outDir = new URL("../schemas/", import.meta.url);
mkdirSync(outDir, { recursive: true });
writeFileSync(
  new URL("certification-report.json", outDir),
  `${JSON.stringify(certificationReportSchema, null, 2)}\n`,
);
