// Scheduler placements per second, claims included: N simulated hosts
// (resource providers with inventories and traits, their compute services
// up) and S schedulers, each with its own in-memory view; every placement
// is a select_destination RPC to a scheduler and a claim RPC to the
// conductor, whose transaction compare-and-swaps the provider generation.
//
//   node bench/scheduler.mjs <hosts> <schedulers> [placements]
import { randomUUID } from "node:crypto";
import { createCloud, SchedulerRpcClient } from "../dist/index.js";
import { cpuSecondsSince, emit, enginePair, processCpuSeconds, windowed } from "./common.mjs";
import { startProfile, stopProfile } from "./profile.mjs";

const hosts = Number(process.argv[2] ?? 1000);
const schedulers = Number(process.argv[3] ?? 1);
const placements = Number(process.argv[4] ?? 5000);
const IN_FLIGHT = 64;

const pair = await enginePair(process.argv[5], process.argv[6]);
const cloud = await createCloud({
  database: pair.database,
  ...(pair.transport ? { transport: pair.transport } : {}),
  schedulers,
  pinRefreshIntervalMs: 0,
});
const k = cloud.engine.db;
const now = Date.now();

// Hosts straight into the records, as if their agents had reported: a
// benchmark of the scheduler, not of 10,000 agents starting.
await k.transaction().execute(async (trx) => {
  for (let i = 0; i < hosts; i++) {
    const name = `sim-${i}`;
    const p = await trx
      .insertInto("resource_providers")
      .values({
        uuid: randomUUID(),
        name,
        generation: 1,
        disabled: 0,
        availability_zone: "nova",
        hypervisor_type: "fake",
        updated_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await trx
      .insertInto("inventories")
      .values([
        { provider_id: p.id, resource_class: "VCPU", total: 64, reserved: 0, allocation_ratio: 16 },
        {
          provider_id: p.id,
          resource_class: "MEMORY_MB",
          total: 262144,
          reserved: 512,
          allocation_ratio: 1.5,
        },
        {
          provider_id: p.id,
          resource_class: "DISK_GB",
          total: 4096,
          reserved: 0,
          allocation_ratio: 1,
        },
      ])
      .execute();
    await trx
      .insertInto("provider_traits")
      .values([
        { provider_id: p.id, trait: "COMPUTE_SNAPSHOT" },
        { provider_id: p.id, trait: "CUSTOM_HYPERVISOR_FAKE" },
      ])
      .execute();
    await trx
      .insertInto("services")
      .values({
        host: name,
        binary: "nova-compute",
        topic: "compute",
        rpc_version: "1.1",
        object_versions: "{}",
        running: 1,
        disabled: 0,
        last_seen_at: now + 3_600_000,
        created_at: now,
      })
      .execute();
  }
  // The instances to place, waiting for a host as a create leaves them.
  for (let i = 0; i < placements; i += 500) {
    const rows = [];
    for (let j = i; j < Math.min(placements, i + 500); j++) {
      rows.push({
        uuid: randomUUID(),
        display_name: `b-${j}`,
        description: null,
        project_id: "bench",
        user_id: "bench",
        flavor_id: "f",
        image_id: "i",
        vcpus: 1,
        memory_mb: 512,
        root_gb: 1,
        vm_state: "building",
        task_state: "scheduling",
        power_state: "nostate",
        power_stamp: 0,
        host: null,
        availability_zone: null,
        server_group_id: null,
        metadata: "{}",
        pending_request_id: null,
        needs_reconcile: 0,
        launched_at: null,
        created_at: now,
        updated_at: now,
        deleted_at: null,
        deleted: 0,
        version: 1,
      });
    }
    await trx.insertInto("instances").values(rows).execute();
  }
});
const uuids = (await k.selectFrom("instances").select("uuid").orderBy("id").execute()).map(
  (r) => r.uuid,
);
const ctx = { requestId: "req-bench", projectId: "bench", userId: "bench" };
for (const s of cloud.schedulers) await s.refresh(ctx);
const client = new SchedulerRpcClient(cloud.transport, cloud.pins);

const spec = (uuid) => ({
  instanceUuid: uuid,
  projectId: "bench",
  resources: { VCPU: 1, MEMORY_MB: 512, DISK_GB: 1 },
  requiredTraits: ["COMPUTE_SNAPSHOT"],
  forbiddenTraits: [],
  aggregateSpecs: {},
  availabilityZone: null,
  group: null,
  ignoreHosts: [],
  attempt: 1,
});

await startProfile();
const cpu0 = process.cpuUsage();
const outside0 = processCpuSeconds("postgres") + processCpuSeconds("nats-server");
const t0 = performance.now();
let failed = 0;
await windowed(uuids.length, IN_FLIGHT, (i) =>
  client.selectDestination(ctx, spec(uuids[i])).catch((err) => {
    failed += 1;
    if (failed === 1) console.log(`  first failure: ${err.message}`);
  }),
);
const seconds = (performance.now() - t0) / 1000;
const cpu =
  cpuSecondsSince(cpu0) +
  (processCpuSeconds("postgres") + processCpuSeconds("nats-server") - outside0);
await stopProfile();
const allocs = await k
  .selectFrom("allocations")
  .select((eb) => eb.fn.countAll().as("n"))
  .executeTakeFirstOrThrow();
const stats = cloud.schedulers.map((s) => s.stats);
const perSecond = placements / seconds;
const conflicts = stats.reduce((a, s) => a + s.conflicts, 0);
const { batches, claims } = cloud.conductor.claimStats;
console.log(
  `scheduler: ${hosts} hosts, ${schedulers} scheduler(s), ${placements} placements with claims, ${IN_FLIGHT} in flight, ${pair.label}`,
);
console.log(
  `  ${perSecond.toFixed(0)} placements/s (${seconds.toFixed(2)} s), ${((cpu / placements) * 1e6).toFixed(0)} µs CPU per placement`,
);
console.log(
  `  allocation rows ${allocs.n}, failed ${failed}, claim conflicts ${conflicts}, claims per commit ${(claims / batches).toFixed(1)}`,
);
console.log(
  `  placed per scheduler ${stats.map((s) => s.placed).join("/")}; conflict reasons ${JSON.stringify(stats.map((s) => s.conflictReasons))}`,
);
emit({
  bench: "scheduler",
  pair: pair.label,
  hosts,
  schedulers,
  placements,
  perSecond,
  cpuUsPerPlacement: (cpu / placements) * 1e6,
  failed,
  conflicts,
  claimsPerCommit: claims / batches,
});
await cloud.close();
await pair.cleanup();
