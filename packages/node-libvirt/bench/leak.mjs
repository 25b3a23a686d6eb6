// Handle and memory leaks: 10,000 define/create/info/destroy/undefine
// cycles on one connection, with a lifecycle listener (libvirt's test
// driver in process; BENCH_URI=test+unix:///default through libvirtd, and
// the binding's event loop with it). Prints RSS
// after a warm-up and every 1,000 cycles after it; the acceptance is RSS
// flat within 10% of the post-warm-up figure.
import { randomUUID } from "node:crypto";

const { Connection, unavailableReason } = await import("../dist/index.js");
if (unavailableReason) {
  console.error(`node-libvirt: ${unavailableReason}; nothing to measure.`);
  process.exit(0);
}
const URI = process.env.BENCH_URI ?? "test:///default";
const CYCLES = Number(process.env.LEAK_CYCLES ?? 10_000);
const conn = await Connection.open(URI);
// Events too: each cycle's lifecycle events cross from libvirt's event loop
// thread into JavaScript, the path most likely to leak per event.
let events = 0;
const stopEvents = await conn.onDomainLifecycle(() => {
  events += 1;
});
const xml = (u) =>
  `<domain type='test'><name>leak-${u}</name><uuid>${u}</uuid><memory unit='MiB'>64</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>`;
async function cycle() {
  const d = await conn.defineXML(xml(randomUUID()));
  await d.create();
  await d.getInfo();
  await d.getXMLDesc();
  await d.destroy();
  await d.undefine();
}
const mib = () => process.memoryUsage().rss / 1048576;
// Warm-up long enough for V8 and the allocator to reach their working size
// (RSS levels off after some 15,000 cycles here), so growth after it is leaks.
const WARMUP = Number(process.env.LEAK_WARMUP ?? 15_000);
for (let i = 0; i < WARMUP; i++) await cycle();
globalThis.gc?.();
const base = mib();
const samples = [];
for (let i = 1; i <= CYCLES; i++) {
  await cycle();
  if (i % 1000 === 0) {
    globalThis.gc?.();
    samples.push(mib());
    process.stderr.write(`  ${i} cycles: RSS ${mib().toFixed(1)} MiB\n`);
  }
}
await stopEvents();
await conn.close();
const worst = Math.max(...samples);
const growth = ((worst - base) / base) * 100;
console.log(
  `${URI}: RSS after warm-up ${base.toFixed(1)} MiB; worst over ${CYCLES} cycles ${worst.toFixed(1)} MiB (${growth >= 0 ? "+" : ""}${growth.toFixed(1)}%, target within 10%); ${events} events delivered`,
);
