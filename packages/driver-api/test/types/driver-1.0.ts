// Pins what a vendor's code compiles against: a driver written for contract
// 1.0, implementing only the required methods and importing only public
// names, must keep type-checking under every 1.x release. If a change to the
// contract breaks this file, that change is a major one.
import {
  type CallOptions,
  type ComputeDriver,
  type DriverHost,
  type DriverInfo,
  defineDriver,
  type HostResources,
  type InstanceInfo,
  InstanceNotFound,
  type InstanceSummary,
  type PowerOffSpec,
  type RebootSpec,
  type SpawnRequest,
  validate,
} from "../../src/index.js";

interface Config {
  endpoint: string;
}

class VendorDriver implements ComputeDriver {
  constructor(
    readonly config: Config,
    readonly host: DriverHost,
  ) {}
  async init(_o: CallOptions): Promise<DriverInfo> {
    return { hypervisorType: "vendor", hypervisorVersion: "1", capabilities: [] };
  }
  async close(_o: CallOptions): Promise<void> {}
  async getHostResources(_o: CallOptions): Promise<HostResources> {
    const usage = { total: 1, used: 0 };
    return {
      hypervisorType: "vendor",
      hypervisorVersion: "1",
      hostname: "h",
      cpuModel: "c",
      vcpus: usage,
      memoryMiB: usage,
      localDiskGiB: usage,
    };
  }
  async listInstances(_o: CallOptions): Promise<InstanceSummary[]> {
    return [];
  }
  async getInstanceInfo(uuid: string, _o: CallOptions): Promise<InstanceInfo> {
    throw new InstanceNotFound(uuid);
  }
  async spawn(request: SpawnRequest, o: CallOptions): Promise<InstanceInfo> {
    validate.spawnRequest.assert(request);
    this.host.emitEvent({
      type: "started",
      instanceUuid: request.uuid,
      powerState: "running",
      occurredAt: new Date().toISOString(),
    });
    return this.getInstanceInfo(request.uuid, o);
  }
  async destroy(_uuid: string, _o: CallOptions): Promise<void> {}
  async reboot(_uuid: string, _spec: RebootSpec, _o: CallOptions): Promise<void> {}
  async powerOff(_uuid: string, _spec: PowerOffSpec, _o: CallOptions): Promise<void> {}
  async powerOn(_uuid: string, _o: CallOptions): Promise<void> {}
  async pause(_uuid: string, _o: CallOptions): Promise<void> {}
  async unpause(_uuid: string, _o: CallOptions): Promise<void> {}
  async suspend(_uuid: string, _o: CallOptions): Promise<void> {}
  async resume(_uuid: string, _o: CallOptions): Promise<void> {}
}

export const driver = defineDriver<Config>({
  name: "vendor",
  contract: "^1.0.0",
  configSchema: {
    type: "object",
    required: ["endpoint"],
    properties: { endpoint: { type: "string" } },
  },
  create: (config, host) => new VendorDriver(config, host),
});
