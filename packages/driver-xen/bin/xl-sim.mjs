#!/usr/bin/env node
// xl-sim: a stand-in for Xen 4.17's xl, for CI. Same command line, exit
// statuses, stdout and stderr shapes and `xl list -l` JSON as the real xl,
// as recorded in test/fixtures/real/ (where the two disagree, the real one
// wins and this is fixed). Its "host" is a state file, so several driver
// processes see one host; guests' power-offs and reboots take effect after
// a delay, applied by whichever xl-sim runs next.
//
//   xl-sim --state DIR [--boot-ms N] [--shutdown-ms N] [--reboot-ms N] <xl command>...
//
// Beyond xl, three commands act as the guest would, behind any driver's
// back, for tests: `sim-poweroff NAME` (the guest shuts itself down),
// `sim-crash NAME`, `sim-reboot NAME`.
import { randomUUID } from "node:crypto";
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { createDomainFromCfg, DRY_RUN_JSON, detailsJson } from "./xl-sim-config.mjs";
import { lock } from "./xl-sim-lock.mjs";

const argv = process.argv.slice(2);
const opts = { state: undefined, bootMs: 0, shutdownMs: 50, rebootMs: 50 };
while (argv[0]?.startsWith("--")) {
  const flag = argv.shift();
  const value = argv.shift();
  if (flag === "--state") opts.state = value;
  else if (flag === "--boot-ms") opts.bootMs = Number(value);
  else if (flag === "--shutdown-ms") opts.shutdownMs = Number(value);
  else if (flag === "--reboot-ms") opts.rebootMs = Number(value);
  else fail(`xl-sim: unknown option ${flag}`, 2);
}
if (opts.state === undefined) fail("xl-sim: --state DIR is required", 2);
mkdirSync(join(opts.state, "console"), { recursive: true });
const stateFile = join(opts.state, "host.json");

function fail(message, code = 1) {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

function load() {
  if (!existsSync(stateFile)) return { nextDomid: 1, domains: [] };
  return JSON.parse(readFileSync(stateFile, "utf8"));
}

function save(host) {
  writeFileSync(`${stateFile}.${process.pid}`, JSON.stringify(host));
  // rename is atomic: a reader sees the old host or the new one.
  renameSync(`${stateFile}.${process.pid}`, stateFile);
}

function consoleLog(name, line) {
  appendFileSync(join(opts.state, "console", `guest-${name}.log`), `${line}\n`);
}

function boot(domain) {
  consoleLog(domain.name, `NOVAKIT-XEN-GUEST-UP boot_id=${randomUUID()}`);
}

/** Applies what guests did since the last command: power-offs and reboots whose time came. */
function advance(host) {
  const now = Date.now();
  const kept = [];
  for (const d of host.domains) {
    if (d.shutdownAt !== undefined && d.shutdownAt <= now) {
      consoleLog(d.name, "NOVAKIT-XEN-GUEST-DOWN");
      continue; // on_poweroff = "destroy"
    }
    if (d.rebootAt !== undefined && d.rebootAt <= now) {
      consoleLog(d.name, "NOVAKIT-XEN-GUEST-DOWN");
      d.rebootAt = undefined;
      d.domid = host.nextDomid++;
      d.startedAt = now;
      boot(d);
    }
    kept.push(d);
  }
  host.domains = kept;
}

const invalid = (name) => fail(`${name} is an invalid domain identifier (rc=-6)`, 1);
const find = (host, name) => host.domains.find((d) => d.name === name || String(d.domid) === name);

const DOM0 = {
  domid: 0,
  name: "Domain-0",
  memoryMiB: 1536,
  vcpus: 2,
  flags: "r-----",
  uuid: "00000000-0000-0000-0000-000000000000",
};

function flags(d) {
  if (d.crashed) return "----c-";
  if (d.paused) return "--p---";
  return d.shutdownAt !== undefined ? "---s--" : "-b----";
}

function listTable(rows, verbose) {
  const head = "Name                                        ID   Mem VCPUs\tState\tTime(s)";
  const out = [
    verbose ? `${head}   UUID                            Reason-Code\tSecurity Label` : head,
  ];
  for (const r of rows) {
    // xl's own format: "%-40s %5d %5d %5d     %s %8.1f".
    const n = (v, w) => String(v).padStart(w);
    const line = `${r.name.padEnd(40)} ${n(r.domid, 5)} ${n(r.memoryMiB, 5)} ${n(r.vcpus, 5)}     ${r.flags} ${n("0.1", 8)}`;
    out.push(verbose ? `${line} ${r.uuid}        -                -` : line);
  }
  return `${out.join("\n")}\n`;
}

function list(host, args) {
  const details = args.includes("-l") || args.includes("--long");
  const verbose = args.includes("-v") || args.includes("--verbose");
  const names = args.filter((a) => !a.startsWith("-"));
  const all = [DOM0, ...host.domains.map((d) => ({ ...d, flags: flags(d) }))];
  const rows =
    names.length === 0
      ? all
      : names.map((n) => all.find((r) => r.name === n || String(r.domid) === n) ?? invalid(n));
  if (details) process.stdout.write(`${JSON.stringify(rows.map(detailsJson), null, 4)}\n\n`);
  else process.stdout.write(listTable(rows, verbose));
}

function info(host) {
  const used = host.domains.reduce((n, d) => n + d.memoryMiB, 0);
  const lines = [
    ["host", "xl-sim"],
    ["release", "6.1.0-sim"],
    ["machine", "x86_64"],
    ["nr_cpus", "8"],
    ["cpu_mhz", "2596.119"],
    ["virt_caps", "pv hvm hap gnttab-v1 gnttab-v2"],
    ["total_memory", "65535"],
    ["free_memory", String(65535 - 1536 - used)],
    ["xen_major", "4"],
    ["xen_minor", "17"],
    ["xen_extra", ".7"],
    ["xen_version", "4.17.7"],
    ["xen_caps", "xen-3.0-x86_64 hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64 "],
    ["xen_scheduler", "credit2"],
  ];
  process.stdout.write(lines.map(([k, v]) => `${k.padEnd(23)}: ${v}`).join("\n") + "\n");
}

function create(host, args) {
  const dry = args.includes("-n") || args.includes("--dryrun");
  const paused = args.includes("-p");
  const file = args.filter((a) => !a.startsWith("-"))[0];
  if (file === undefined || !existsSync(file)) {
    fail(`Failed to read config file: ${file}: No such file or directory`, 3);
  }
  process.stderr.write(`Parsing config from ${file}\n`);
  const domain = createDomainFromCfg(readFileSync(file, "utf8"), file, fail);
  if (dry) {
    process.stdout.write(`${JSON.stringify(DRY_RUN_JSON(domain), null, 4)}\n`);
    return;
  }
  if (host.domains.some((d) => d.name === domain.name)) {
    const id = host.nextDomid++;
    fail(
      [
        `libxl: error: libxl_domain.c:81:libxl__domain_rename: Domain ${id}:Domain with name "${domain.name}" already exists.`,
        `libxl: error: libxl_create.c:1296:initiate_domain_create: Domain ${id}:cannot make domain: -6`,
      ].join("\n"),
      3,
    );
  }
  Object.assign(domain, { domid: host.nextDomid++, paused, startedAt: Date.now() });
  host.domains.push(domain);
  boot(domain);
}

const [command, ...args] = argv;
lock(opts.state); // released at exit, however the process ends but SIGKILL
{
  const host = load();
  advance(host);
  const target = () => {
    const name = args.filter((a) => !a.startsWith("-"))[0];
    return find(host, name) ?? invalid(name);
  };
  switch (command) {
    case "list":
      list(host, args);
      break;
    case "info":
      info(host);
      break;
    case "create":
      create(host, args);
      break;
    case "destroy": {
      const d = target();
      host.domains = host.domains.filter((x) => x !== d);
      break;
    }
    case "pause":
      target().paused = true;
      break;
    case "unpause":
      target().paused = false;
      break;
    case "shutdown": {
      const d = target();
      if (!d.paused && !d.crashed) d.shutdownAt ??= Date.now() + opts.shutdownMs;
      break;
    }
    case "reboot": {
      const d = target();
      if (!d.paused && !d.crashed) d.rebootAt ??= Date.now() + opts.rebootMs;
      break;
    }
    case "save": {
      const d = target();
      const file = args.filter((a) => !a.startsWith("-"))[1];
      process.stderr.write(`Saving to ${file} new xl format (info 0x3/0x0/918)\n`);
      writeFileSync(file, JSON.stringify({ xlSimSave: 1, domain: { ...d, paused: false } }));
      host.domains = host.domains.filter((x) => x !== d);
      break;
    }
    case "restore": {
      const file = args.filter((a) => !a.startsWith("-")).at(-1);
      if (file === undefined || !existsSync(file))
        fail("Can't open restore file: No such file or directory");
      const saved = JSON.parse(readFileSync(file, "utf8")).domain;
      process.stderr.write(`Loading new save file ${file} (new xl fmt info 0x3/0x0/918)\n`);
      if (host.domains.some((d) => d.name === saved.name))
        fail(`libxl: error: Domain with name "${saved.name}" already exists.`, 3);
      host.domains.push({ ...saved, domid: host.nextDomid++, startedAt: Date.now() });
      break;
    }
    case "sim-poweroff":
      target().shutdownAt = Date.now();
      advance(host);
      break;
    case "sim-crash":
      target().crashed = true;
      break;
    case "sim-reboot":
      target().rebootAt = Date.now();
      advance(host);
      break;
    default:
      fail(`xl-sim: command "${command ?? ""}" is not simulated`, 2);
  }
  save(host);
}
