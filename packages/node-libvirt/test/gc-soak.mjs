// Run with --expose-gc: starts many calls whose domain handles become
// garbage while the calls are in flight, and collects garbage all along.
// Every call must still succeed (each holds its own libvirt reference), and
// the process must not crash. Prints a JSON summary.
import { randomUUID } from "node:crypto";

const { Connection } = await import("../dist/index.js");
const uri = process.argv[2] ?? "test:///default";
const conn = await Connection.open(uri, { threads: 4 });
const xml = (u) =>
  `<domain type='test'><name>gc-${u}</name><uuid>${u}</uuid><memory unit='MiB'>64</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>`;

let failures = 0;
let calls = 0;
let collected = 0;
const registry = new FinalizationRegistry(() => {
  collected += 1;
});

/** Queues three calls on a domain and returns only their promises: the handle is then unreachable. */
function start(domain) {
  registry.register(domain, null);
  return [domain.create(), domain.getInfo(), domain.getXMLDesc()];
}
const uuids = [];
for (let round = 0; round < 20; round++) {
  const pending = [];
  for (let i = 0; i < 50; i++) {
    const uuid = randomUUID();
    uuids.push(uuid);
    pending.push(
      conn.defineXML(xml(uuid)).then((domain) => {
        const inFlight = start(domain);
        calls += inFlight.length;
        // Collect while the calls are in flight, once nothing holds the handle.
        return new Promise((resolve) =>
          setImmediate(() => {
            globalThis.gc();
            resolve(Promise.all(inFlight));
          }),
        );
      }),
    );
    globalThis.gc();
  }
  const results = await Promise.allSettled(pending);
  failures += results.filter((r) => r.status === "rejected").length;
  globalThis.gc();
}
for (const uuid of uuids) {
  const d = await conn.lookupByUUIDString(uuid);
  await d.destroy();
  await d.undefine();
  globalThis.gc();
}
await conn.close();
await new Promise((r) => setTimeout(r, 50));
globalThis.gc();
console.log(
  JSON.stringify({ domains: uuids.length, calls, failures, handlesCollected: collected > 0 }),
);
