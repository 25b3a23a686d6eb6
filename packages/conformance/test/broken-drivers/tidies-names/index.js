// Breaks C-HOSTILE-1 and C-HOSTILE-2 the quiet way: it stores names and
// metadata trimmed and NFC-normalised, which leaves every escaping test of
// the old suite passing.
import { validate } from "@novakit/driver-api";
import { brokenVariant, FakeDriver } from "../shared.js";

const tidy = (text) => text.trim().normalize("NFC");

class Broken extends FakeDriver {
  async spawn(request, options) {
    validate.spawnRequest.assert(request);
    const metadata = Object.fromEntries(
      Object.entries(request.metadata).map(([k, v]) => [tidy(k), tidy(v)]),
    );
    return super.spawn({ ...request, name: tidy(request.name), metadata }, options);
  }
}
export const driver = brokenVariant("tidies-names", (config, host) => new Broken(config, host));
