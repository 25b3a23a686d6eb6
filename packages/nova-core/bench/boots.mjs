// 1,000 boots through the service layer onto 50 driver-fake hosts with zero
// latency, all requested at once, then 1,000 deletes: the whole control
// plane in one process (service layer, conductor, scheduler, 50 compute
// agents with their drivers) on SQLite in WAL mode and the in-process bus.
//
//   node bench/boots.mjs [boots] [hosts]
import { fileURLToPath } from "node:url";
import { createCloud } from "../dist/index.js";
import {
  cpuSecondsSince,
  emit,
  enginePair,
  peakRssMiB,
  percentile,
  processCpuSeconds,
} from "./common.mjs";
import { startProfile, stopProfile } from "./profile.mjs";

const boots = Number(process.argv[2] ?? 1000);
const hostCount = Number(process.argv[3] ?? 50);
const pair = await enginePair(process.argv[4], process.argv[5]);
const packageDir = fileURLToPath(new URL("..", import.meta.url));
const caller = { projectId: "bench", userId: "bench" };

const cloud = await createCloud({
  database: pair.database,
  ...(pair.transport ? { transport: pair.transport } : {}),
  pinRefreshIntervalMs: 0,
  conductor: { quotaDefaults: { instances: -1, cores: -1, ram: -1 } },
  bootstrap: {
    flavors: [{ id: "m1.tiny", name: "m1.tiny", vcpus: 1, memoryMb: 512, rootGb: 1 }],
    images: [
      { id: "cirros", name: "cirros", location: "/images/cirros.qcow2", diskFormat: "qcow2" },
    ],
  },
  computeHosts: Array.from({ length: hostCount }, (_, i) => ({
    host: `bench-${i}`,
    driver: "@novakit/driver-fake",
    fromDir: packageDir,
    driverConfig: { hostname: `bench-${i}`, latencyMs: 0 },
    powerSyncIntervalMs: 0,
    heartbeatIntervalMs: 0,
    resourceReportIntervalMs: 0,
  })),
});

await startProfile();
const cpu0 = process.cpuUsage();
// The database's and NATS's own processes count as control plane too.
const outside0 = processCpuSeconds("postgres") + processCpuSeconds("nats-server");
const t0 = performance.now();
const latencies = [];
const created = await Promise.all(
  Array.from({ length: boots }, async (_, i) => {
    const start = performance.now();
    const instance = await cloud.service.create(caller, {
      name: `vm-${i}`,
      flavorId: "m1.tiny",
      imageId: "cirros",
    });
    const n = await cloud.notifications.waitFor(
      instance.uuid,
      (x) => x.taskState === null && x.vmState !== "building",
    );
    if (n.vmState !== "active") throw new Error(`instance ${instance.uuid} ended ${n.vmState}`);
    latencies.push(performance.now() - start);
    return instance.uuid;
  }),
);
const bootSeconds = (performance.now() - t0) / 1000;
const cpuBoot = cpuSecondsSince(cpu0);
const t1 = performance.now();
await Promise.all(
  created.map(async (uuid) => {
    await cloud.service.delete(caller, uuid);
    await cloud.notifications.waitFor(uuid, (x) => x.deleted);
  }),
);
const deleteSeconds = (performance.now() - t1) / 1000;
const cpu =
  cpuSecondsSince(cpu0) +
  (processCpuSeconds("postgres") + processCpuSeconds("nats-server") - outside0);
await stopProfile();

let domains = 0;
for (const agent of cloud.computes.values())
  domains += (await agent.driverClient.listInstances()).length;
latencies.sort((a, b) => a - b);
const result = {
  bench: "boots",
  pair: pair.label,
  boots,
  hosts: hostCount,
  timeToAllActiveS: bootSeconds,
  bootsPerSecond: boots / bootSeconds,
  bootLatencyMedianMs: percentile(latencies, 50),
  bootLatencyP99Ms: percentile(latencies, 99),
  deletesPerSecond: boots / deleteSeconds,
  coreSecondsPerBootAndDelete: cpu / boots,
  coreSecondsPerBoot: cpuBoot / boots,
  peakRssMiB: peakRssMiB(),
  domainsLeft: domains,
};
console.log(
  `boots: ${boots} through the service layer onto ${hostCount} driver-fake hosts (zero latency), ${pair.label}`,
);
console.log(
  `  all ACTIVE after ${bootSeconds.toFixed(2)} s: ${result.bootsPerSecond.toFixed(0)} boots/s`,
);
console.log(
  `  boot latency median ${result.bootLatencyMedianMs.toFixed(0)} ms, p99 ${result.bootLatencyP99Ms.toFixed(0)} ms (all ${boots} requested at once)`,
);
console.log(
  `  deletes: ${deleteSeconds.toFixed(2)} s, ${result.deletesPerSecond.toFixed(0)} deletes/s; domains left ${domains}`,
);
console.log(
  `  control-plane CPU ${(result.coreSecondsPerBootAndDelete * 1000).toFixed(2)} ms (core-seconds ×1000) per boot+delete; peak RSS ${result.peakRssMiB.toFixed(0)} MiB`,
);
emit(result);
await cloud.close();
await pair.cleanup();
