import { compileValidator, type PowerState } from "@novakit/driver-api";

// Parsers for what xl prints, each checked against recordings of Xen 4.17's
// own xl (test/fixtures/real/). Anything that does not have the recorded
// shape is refused, never guessed at.

/** One row of `xl list`: the domain's id, name and the state flags ("r-----"). */
export interface XlListRow {
  readonly name: string;
  readonly domid: number;
  readonly memoryMiB: number;
  readonly vcpus: number;
  readonly state: string;
}

/** xl's output did not have the shape recorded from the real xl. */
export class XlOutputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "XlOutputError";
  }
}

const LIST_HEADER = /^Name\s+ID\s+Mem\s+VCPUs\s+State\s+Time\(s\)/;
// A domain name may hold blanks, so the row is matched from its end.
const LIST_ROW = /^(.+?)\s+(\d+)\s+(\d+)\s+(\d+)\s+([rbpscd-]{6})\s+([\d.]+)\s*$/;

/** The rows of plain `xl list` (with or without domain names given). */
export function parseXlList(stdout: string): XlListRow[] {
  const lines = stdout.split("\n").filter((l) => l.trim() !== "");
  const header = lines.shift();
  if (header === undefined || !LIST_HEADER.test(header)) {
    throw new XlOutputError(`xl list printed no header: ${JSON.stringify(stdout.slice(0, 200))}`);
  }
  return lines.map((line) => {
    const m = LIST_ROW.exec(line);
    if (m === null) throw new XlOutputError(`xl list row not understood: ${JSON.stringify(line)}`);
    return {
      name: m[1] as string,
      domid: Number(m[2]),
      memoryMiB: Number(m[3]),
      vcpus: Number(m[4]),
      state: m[5] as string,
    };
  });
}

/**
 * The contract's power state for xl's state flags: r running, b blocked
 * (running, but idle), p paused, s shut down, c crashed, d dying. A domain
 * shutting down is still running until it is gone (our domains power off
 * to nothing); a dying one is on its way to nothing, so it is stopped.
 * Crashed wins over everything: on_crash="preserve" keeps it to be seen.
 */
export function powerStateOfFlags(flags: string): PowerState {
  if (flags.includes("c")) return "crashed";
  if (flags.includes("d")) return "stopped";
  if (flags.includes("p")) return "paused";
  return "running";
}

/** What the driver reads of one domain in `xl list -l`. */
export interface XlDomainDetails {
  readonly domid: number;
  readonly name: string;
  readonly uuid: string | undefined;
  readonly maxVcpus: number | undefined;
  readonly maxMemKiB: number | undefined;
}

// Open schemas: xl prints far more than this and adds fields between
// releases; only the fields read here must be present and well typed.
// Domain-0's c_info has no uuid in 4.17, so uuid is optional.
const detailsSchema = {
  type: "array",
  items: {
    type: "object",
    required: ["domid", "config"],
    properties: {
      domid: { type: "integer", minimum: 0 },
      config: {
        type: "object",
        required: ["c_info", "b_info"],
        properties: {
          c_info: {
            type: "object",
            required: ["name"],
            properties: { name: { type: "string" }, uuid: { type: "string" } },
          },
          b_info: {
            type: "object",
            properties: {
              max_vcpus: { type: "integer", minimum: 1 },
              max_memkb: { type: "integer", minimum: 0 },
            },
          },
        },
      },
    },
  },
} as const;

interface RawDetails {
  domid: number;
  config: {
    c_info: { name: string; uuid?: string };
    b_info: { max_vcpus?: number; max_memkb?: number };
  };
}

const detailsValidator = compileValidator<RawDetails[]>(detailsSchema);

/** `xl list -l` (JSON) parsed and checked against its schema. */
export function parseXlListDetails(stdout: string): XlDomainDetails[] {
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch {
    throw new XlOutputError(`xl list -l printed no JSON: ${JSON.stringify(stdout.slice(0, 200))}`);
  }
  if (!detailsValidator.is(json)) {
    try {
      detailsValidator.assert(json);
    } catch (err) {
      throw new XlOutputError(`xl list -l JSON has an unexpected shape: ${(err as Error).message}`);
    }
  }
  return (json as RawDetails[]).map((d) => ({
    domid: d.domid,
    name: d.config.c_info.name,
    uuid: d.config.c_info.uuid,
    maxVcpus: d.config.b_info.max_vcpus,
    maxMemKiB: d.config.b_info.max_memkb,
  }));
}

/** What the driver reads of `xl info`. */
export interface XlInfo {
  readonly host: string;
  readonly machine: string;
  readonly nrCpus: number;
  readonly cpuMhz: string;
  readonly totalMemoryMiB: number;
  readonly freeMemoryMiB: number;
  readonly xenVersion: string;
  readonly virtCaps: readonly string[];
  readonly xenCaps: readonly string[];
}

/** `xl info`'s "key : value" lines. */
export function parseXlInfo(stdout: string): XlInfo {
  const fields = new Map<string, string>();
  for (const line of stdout.split("\n")) {
    const m = /^([a-z_]+)\s*:\s?(.*)$/.exec(line);
    if (m !== null) fields.set(m[1] as string, (m[2] as string).trim());
  }
  const need = (key: string): string => {
    const v = fields.get(key);
    if (v === undefined) throw new XlOutputError(`xl info printed no ${key}`);
    return v;
  };
  const number = (key: string): number => {
    const n = Number(need(key));
    if (!Number.isFinite(n)) throw new XlOutputError(`xl info ${key} is not a number`);
    return n;
  };
  return {
    host: need("host"),
    machine: need("machine"),
    nrCpus: number("nr_cpus"),
    cpuMhz: fields.get("cpu_mhz") ?? "",
    totalMemoryMiB: number("total_memory"),
    freeMemoryMiB: number("free_memory"),
    xenVersion: need("xen_version"),
    virtCaps: (fields.get("virt_caps") ?? "").split(/\s+/).filter(Boolean),
    xenCaps: (fields.get("xen_caps") ?? "").split(/\s+/).filter(Boolean),
  };
}

/** xl's answer for a domain name it does not know (recorded: exit 1, this on stderr). */
export function isUnknownDomain(stderr: string): boolean {
  return /is an invalid domain identifier/.test(stderr);
}
