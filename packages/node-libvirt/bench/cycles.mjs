// First figures for the binding's hop design (issue 6 is in progress): the
// same define/create/info/destroy/undefine cycles on test:///default in
// process, through node-libvirt (sequential and 8 in flight) and through
// libvirt's Python binding (sequential and 8 threads), in one run.
// The through-libvirtd path, @unraid/libvirt and the driver come next.
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";

const { Connection, unavailableReason } = await import("../dist/index.js");
if (unavailableReason) {
  console.error(`node-libvirt: ${unavailableReason}; nothing to measure.`);
  process.exit(0);
}
const URI = process.env.BENCH_URI ?? "test:///default";
const N = Number(process.env.BENCH_CYCLES ?? 3000);
const THREADS = Number(process.env.BENCH_THREADS ?? 2);

const xml = (u) =>
  `<domain type='test'><name>nkb-${u}</name><uuid>${u}</uuid><memory unit='MiB'>64</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>`;

async function node(inFlight) {
  const conn = await Connection.open(URI, { threads: THREADS });
  const cycle = async () => {
    const d = await conn.defineXML(xml(randomUUID()));
    await d.create();
    await d.getInfo();
    await d.destroy();
    await d.undefine();
  };
  for (let i = 0; i < 200; i++) await cycle();
  const start = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next++ < N) await cycle();
    }),
  );
  const rate = N / ((performance.now() - start) / 1000);
  await conn.close();
  return rate;
}

function python(threads) {
  const script = fileURLToPath(new URL("./py_cycles.py", import.meta.url));
  try {
    const out = execFileSync("/usr/bin/python3", [script, URI, String(N), String(threads)], {
      encoding: "utf8",
    });
    return JSON.parse(out).rate;
  } catch {
    return Number.NaN; // python3-libvirt not installed
  }
}

const rows = [
  ["node-libvirt, sequential", await node(1), python(1)],
  ["node-libvirt, 8 in flight / Python 8 threads", await node(8), python(8)],
];
console.log(`| ${URI}, ${N} cycles | node-libvirt (cycles/s) | Python (cycles/s) | ratio |`);
console.log("|---|---|---|---|");
for (const [label, ours, theirs] of rows) {
  console.log(
    `| ${label} | ${ours.toFixed(0)} | ${theirs.toFixed(0)} | ${(ours / theirs).toFixed(2)}x |`,
  );
}
