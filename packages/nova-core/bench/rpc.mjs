// RPC round trip per call on the in-process bus: a versioned call through
// RpcClient and RpcServer (JSON envelope, version check, typed reply), one
// at a time and with 64 in flight.
//
//   node bench/rpc.mjs [calls]
import { InProcessBus, openNats, RpcClient, RpcServer, VersionPins } from "../dist/index.js";
import { emit, windowed } from "./common.mjs";

const calls = Number(process.argv[2] ?? 20000);
const transportName = process.argv[3] ?? "in-process";
const bus =
  transportName === "nats"
    ? await openNats(process.env.NOVA_NATS_URL ?? "nats://127.0.0.1:54222", {
        prefix: `bench${process.pid}.`,
      })
    : new InProcessBus();
await new RpcServer(bus, {
  topic: "conductor",
  server: "bench",
  version: "1.0",
  methods: { echo: { since: "1.0", handle: async (_ctx, a) => a } },
}).start();
const client = new RpcClient(bus, { topic: "conductor", version: "1.0", pins: new VersionPins() });
const ctx = { requestId: "req-bench", projectId: "bench", userId: "bench" };
const args = {
  uuid: "9b0b1b1e-3f7e-4b9b-8f3e-3a1f0e0c0d0a",
  action: "stop",
  note: "x".repeat(200),
};

for (let i = 0; i < 2000; i++) await client.call(ctx, "echo", args, { version: "1.0" }); // warm up
let t0 = performance.now();
for (let i = 0; i < calls; i++) await client.call(ctx, "echo", args, { version: "1.0" });
const sequentialUs = ((performance.now() - t0) * 1000) / calls;
t0 = performance.now();
await windowed(calls, 64, () => client.call(ctx, "echo", args, { version: "1.0" }));
const concurrentPerSecond = calls / ((performance.now() - t0) / 1000);
console.log(
  `rpc (${bus.name}): ${sequentialUs.toFixed(1)} µs per round trip one at a time; ${concurrentPerSecond.toFixed(0)} calls/s with 64 in flight`,
);
emit({ bench: "rpc", transport: bus.name, sequentialUs, concurrentPerSecond });
await bus.close();
