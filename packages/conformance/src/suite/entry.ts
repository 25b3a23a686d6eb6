// The test module novakit-certify hands to vitest: it registers the suite
// with the options the command line passed through the environment.
import { registerConformanceSuite } from "./register.js";

export const OPTIONS_ENV = "NOVAKIT_CERTIFY_OPTIONS";

// A Ctrl-C at the terminal reaches this worker too. Ignore it: the command
// that started the run cancels it, and the suite's cleanup hooks must still
// run here to destroy what the tests made.
process.on("SIGINT", () => {});

const raw = process.env[OPTIONS_ENV];
if (raw === undefined)
  throw new Error(`${OPTIONS_ENV} is not set; run the suite through novakit-certify`);
registerConformanceSuite(JSON.parse(raw));
