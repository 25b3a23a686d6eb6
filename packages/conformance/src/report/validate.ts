import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { certificationReportSchema } from "./schema.js";

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: Ajv2020, formats: string[]) => Ajv2020;

const ajv = new Ajv2020({ allErrors: false, strict: false });
addFormats(ajv, ["date-time"]);
const check = ajv.compile(certificationReportSchema);

/**
 * Checks a value against the certification report's JSON Schema. Returns
 * the first problem, with its JSON path, or undefined when it conforms.
 *
 * @public
 */
export function validateReport(value: unknown): string | undefined {
  if (check(value)) return undefined;
  const error = check.errors?.[0];
  return error
    ? `${error.instancePath || "(root)"} ${error.message ?? "is not valid"}`
    : "is not valid";
}
