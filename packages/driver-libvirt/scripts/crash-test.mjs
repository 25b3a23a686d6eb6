// Kills driver processes mid-spawn and checks that a restarted driver leaves
// nothing behind (issue 10, finding 3). Through libvirtd, where domains and
// volumes outlive the process that made them:
//
//   node packages/driver-libvirt/scripts/crash-test.mjs [--rounds N] [--uri URI]
//
// Each round starts a child process that spawns instances four at a time and
// prints each UUID before and after its spawn; the parent kills it with
// SIGKILL at a random moment. After the rounds it counts, with a plain libvirt
// connection, what a killed spawn left: novakit domains that a fresh driver
// does not list as instances, transient domains, and root volumes whose
// instance has no domain. Then a restarted driver initialises (its reconcile),
// and the counts are taken again. Every spawn that resolved before its kill
// must still be an instance (none lost), and every UUID whose spawn was cut
// off must spawn again. Exits 1 when anything leaked after the reconcile,
// anything was lost, or a retry failed.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const driverDir = fileURLToPath(new URL("../", import.meta.url));
const POOL = "default-pool";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "20" },
    uri: { type: "string", default: "test+unix:///default" },
    child: { type: "string" },
    help: { type: "boolean", short: "h" },
  },
});
if (values.help) {
  console.log(
    "usage: crash-test.mjs [--rounds N] [--uri URI]  (default: 20 rounds on test+unix:///default)",
  );
  process.exit(0);
}
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 1 || rounds > 10_000) {
  console.error(
    `crash-test: --rounds must be a whole number from 1 to 10000, not "${values.rounds}"`,
  );
  process.exit(2);
}

const { loadDriver } = await import("@novakit/driver-api");
const request = (uuid) => ({
  uuid,
  name: "crash test",
  flavor: { name: "tiny", vcpus: 1, memoryMiB: 64, rootDiskGiB: 0 }, // the image's 1 MiB: the test pool is 100 GiB
  image: { id: "crash-test.raw" },
  owner: { projectId: "crash-test", userId: "crash-test" },
  metadata: { "novakit:crash-test": "1" },
});

if (values.child !== undefined) {
  // The child: spawn until killed, saying which UUID it starts and which resolved.
  const config = JSON.parse(values.child);
  const { client } = await loadDriver(driverDir, config);
  await client.init();
  process.stdout.write("ready\n");
  const worker = async () => {
    for (;;) {
      const uuid = crypto.randomUUID();
      process.stdout.write(`attempt ${uuid}\n`);
      await client.spawn(request(uuid));
      process.stdout.write(`resolved ${uuid}\n`);
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
}

const { Connection } = await import("@novakit/node-libvirt");
const imageDir = mkdtempSync(join(tmpdir(), "nk-crash-"));
writeFileSync(join(imageDir, "crash-test.raw"), Buffer.alloc(1024 * 1024));
const config = { uri: values.uri, storagePool: POOL, imageDir };
const conn = await Connection.open(values.uri);

/** Runs one child, kills it with SIGKILL at a random moment after it is ready. */
function killedChild() {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [fileURLToPath(import.meta.url), "--child", JSON.stringify(config)],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    const attempted = new Set();
    const resolved = new Set();
    let buffered = "";
    child.stdout.on("data", (chunk) => {
      buffered += chunk;
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) {
        if (line === "ready") setTimeout(() => child.kill("SIGKILL"), 5 + Math.random() * 150);
        const [what, uuid] = line.split(" ");
        if (what === "attempt") attempted.add(uuid);
        if (what === "resolved") resolved.add(uuid);
      }
    });
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (signal !== "SIGKILL")
        reject(new Error(`the child ended with ${signal ?? `code ${code}`} before it was killed`));
      else resolve({ attempted, resolved });
    });
  });
}

/** What a killed spawn left, seen through a plain connection and a fresh driver's listing. */
async function leftovers(attempted, listed) {
  const domains = (await conn.listAllDomains()).filter((d) => attempted.has(d.getUUIDString()));
  const transient = new Set((await conn.listAllDomains(8)).map((d) => d.getUUIDString()));
  const withDomain = new Set(domains.map((d) => d.getUUIDString()));
  const pool = await conn.storagePoolLookupByName(POOL);
  const volumes = await Promise.all((await pool.listAllVolumes()).map((v) => v.getPath()));
  const orphanVolumes = volumes.filter((path) => {
    const uuid = /nk-([0-9a-f-]{36})-root\.qcow2$/.exec(path)?.[1];
    return uuid !== undefined && attempted.has(uuid) && !withDomain.has(uuid);
  });
  return {
    unlistedDomains: domains.filter((d) => !listed.has(d.getUUIDString())).length,
    transientDomains: domains.filter((d) => transient.has(d.getUUIDString())).length,
    orphanVolumes: orphanVolumes.length,
  };
}

const attempted = new Set();
const resolved = new Set();
const started = performance.now();
// Counted after each kill, before the next child's init can clean up: what
// the kills left, summed over the rounds.
const before = { transientDomains: 0, orphanVolumes: 0 };
for (let round = 1; round <= rounds; round += 1) {
  const result = await killedChild();
  for (const uuid of result.attempted) attempted.add(uuid);
  for (const uuid of result.resolved) resolved.add(uuid);
  const left = await leftovers(result.attempted, new Set());
  before.transientDomains += left.transientDomains;
  before.orphanVolumes += left.orphanVolumes;
  const progress = `round ${round}/${rounds}: ${attempted.size} spawns started, ${resolved.size} resolved before a kill`;
  if (process.stderr.isTTY) process.stderr.write(`\r  ${progress}${round === rounds ? "\n" : ""}`);
  else if (round % 5 === 0 || round === rounds) process.stderr.write(`  ${progress}\n`);
}

const allDomains = await conn.listAllDomains();
const { client } = await loadDriver(driverDir, { ...config, eventQuietMs: 0 });
await client.init(); // the restarted driver: its init removes what was cut off
const listed = new Set((await client.listInstances()).map((i) => i.uuid));
const after = await leftovers(attempted, listed);
const lost = [...resolved].filter((uuid) => !listed.has(uuid));
const beforeUnlisted = allDomains.filter(
  (d) => attempted.has(d.getUUIDString()) && !listed.has(d.getUUIDString()),
).length;

// Every UUID whose spawn was cut off and left no instance can be spawned again.
const retried = [...attempted].filter((uuid) => !listed.has(uuid));
let retryFailures = 0;
for (const uuid of retried) {
  await client.spawn(request(uuid)).catch((err) => {
    retryFailures += 1;
    console.error(`  retry of ${uuid} failed: ${err.code}: ${err.message}`);
  });
}
for (const uuid of attempted) await client.destroy(uuid);
const final = await leftovers(attempted, new Set());
await client.close();
await conn.close();
rmSync(imageDir, { recursive: true, force: true });

const rows = [
  ["", "before reconcile", "after reconcile", "after destroying all"],
  ["novakit domains not listed as instances", beforeUnlisted, after.unlistedDomains, "-"],
  [
    "transient domains (cut-off spawns)*",
    before.transientDomains,
    after.transientDomains,
    final.transientDomains,
  ],
  [
    "root volumes without a domain*",
    before.orphanVolumes,
    after.orphanVolumes,
    final.orphanVolumes,
  ],
];
console.log(
  `crash test on ${values.uri}: ${rounds} SIGKILLs mid-spawn in ${((performance.now() - started) / 1000).toFixed(1)} s`,
);
console.log(
  `  spawns started ${attempted.size}, resolved before a kill ${resolved.size}, instances after restart ${listed.size}`,
);
for (const [what, ...counts] of rows)
  console.log(`  ${String(what).padEnd(42)}${counts.map((c) => String(c).padStart(22)).join("")}`);
console.log("  * before reconcile: counted after each kill, summed over the rounds");
console.log(`  instances lost: ${lost.length}`);
console.log(`  retried spawns of cut-off UUIDs: ${retried.length}, failed: ${retryFailures}`);
const leaked =
  after.unlistedDomains + after.transientDomains + after.orphanVolumes + final.orphanVolumes;
if (leaked > 0 || lost.length > 0 || retryFailures > 0) {
  console.error(
    "crash test FAILED: something leaked, was lost, or could not be spawned again (see above)",
  );
  process.exit(1);
}
console.log("crash test passed: nothing leaked, nothing lost, every cut-off spawn retried");
