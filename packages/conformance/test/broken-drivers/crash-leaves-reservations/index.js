// Breaks C-CRASH-1: a driver whose "hypervisor" is a state file that outlives
// the process. A spawn reserves its UUID in the file, works a while, then
// records the instance; a process killed in between leaves the reservation,
// which no later driver lists or clears, so the UUID can never be spawned
// again. Everything else behaves as the reference driver.
import { readFileSync, writeFileSync } from "node:fs";
import { defineDriver, InstanceExists } from "@novakit/driver-api";
import { FakeDriver, fakeConfigSchema } from "../shared.js";

const configSchema = {
  ...fakeConfigSchema,
  $id: "https://novakit.dev/schemas/broken/crash-leaves-reservations.json",
  required: ["stateFile"],
  properties: { ...fakeConfigSchema.properties, stateFile: { type: "string" } },
};

class Broken extends FakeDriver {
  #file;
  #state = { instances: [], reserved: [] };
  constructor(config, host) {
    const { stateFile, ...fake } = config;
    super(fake, host);
    this.#file = stateFile;
  }
  async init(options) {
    const info = await super.init(options);
    try {
      this.#state = JSON.parse(readFileSync(this.#file, "utf8"));
    } catch {
      // no state yet
    }
    for (const request of this.#state.instances) await super.spawn(request, options);
    return info;
  }
  #save() {
    writeFileSync(this.#file, JSON.stringify(this.#state));
  }
  async spawn(request, options) {
    if (this.#state.reserved.includes(request.uuid)) throw new InstanceExists(request.uuid);
    this.#state.reserved.push(request.uuid);
    this.#save();
    await new Promise((r) => setTimeout(r, 20));
    const info = await super.spawn(request, options);
    this.#state.instances.push(request);
    this.#state.reserved = this.#state.reserved.filter((u) => u !== request.uuid);
    this.#save();
    return info;
  }
  async destroy(uuid, options) {
    await super.destroy(uuid, options);
    this.#state.instances = this.#state.instances.filter((r) => r.uuid !== uuid);
    this.#save();
  }
}

export const driver = defineDriver({
  name: "crash-leaves-reservations",
  contract: "^1.0.0",
  configSchema,
  create: (config, host) => new Broken(config, host),
});
