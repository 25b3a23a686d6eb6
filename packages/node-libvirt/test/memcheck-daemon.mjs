// A small workload through libvirtd for valgrind's memcheck, which ASan
// cannot cover there (see scripts/asan-test.sh): open, a lifecycle listener
// and its events, cycles 8 in flight, close. Prints each step.
//
//   valgrind --error-exitcode=9 node --jitless packages/node-libvirt/test/memcheck-daemon.mjs
import { randomUUID } from "node:crypto";

const { Connection, unavailableReason } = await import("../dist/index.js");
if (unavailableReason) {
  console.error(`node-libvirt: ${unavailableReason}`);
  process.exit(0);
}
const URI = process.env.BENCH_URI ?? "test+unix:///default";
const CYCLES = Number(process.env.CYCLES ?? 5);
const xml = (u) =>
  `<domain type='test'><name>nk-memcheck-${u}</name><uuid>${u}</uuid><memory unit='MiB'>64</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>`;

const conn = await Connection.open(URI, { threads: 8 });
console.log("opened");
let events = 0;
const stop = await conn.onDomainLifecycle(() => {
  events += 1;
});
await Promise.all(
  Array.from({ length: 8 }, async () => {
    for (let i = 0; i < CYCLES; i++) {
      const d = await conn.defineXML(xml(randomUUID()));
      await d.create();
      await d.getInfo();
      await d.destroy();
      await d.undefine();
    }
  }),
);
await new Promise((r) => setTimeout(r, 200));
await stop();
console.log(`cycles done, ${events} events`);
await conn.close();
console.log("closed");
