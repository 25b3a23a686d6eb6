import type { SpawnRequest } from "@novakit/driver-api";
import {
  parseXlConfig,
  serializeXlConfig,
  type XlParsedValue,
  type XlSetting,
  xlConfigMap,
} from "./xl-cfg.js";

/**
 * What novakit keeps of an instance, beside what Xen itself holds: the text
 * the core gave, returned unchanged whatever it holds. It is written into
 * the instance's xl.cfg under keys of its own (`nk_*`, which xl ignores), so
 * the one file in the state directory is both what `xl create` is given and
 * the record a restarted driver reads back.
 */
export interface InstanceRecord {
  readonly name: string;
  readonly metadata: Readonly<Record<string, string>>;
  readonly flavor: SpawnRequest["flavor"];
  readonly owner: SpawnRequest["owner"];
  readonly image: SpawnRequest["image"];
}

/** How the host boots a guest: its type and, for direct kernel boot, the kernel. */
export interface GuestBoot {
  readonly type: "pvh" | "pv";
  readonly kernel: string;
  readonly ramdisk?: string;
  readonly cmdline: string;
}

/** An instance's full xl.cfg, as the driver writes it and reads it back. */
export interface DomainConfig {
  readonly uuid: string;
  readonly vcpus: number;
  readonly memoryMiB: number;
  readonly boot: GuestBoot;
  readonly record: InstanceRecord;
}

/** The Xen-side name of an instance: derived from its UUID, never from its display name. */
export function domainName(uuid: string): string {
  return `nk-${uuid}`;
}

/** The UUID a domain name of novakit's stands for, or undefined for anyone else's domain. */
export function uuidOfDomainName(name: string): string | undefined {
  return /^nk-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/.exec(name)?.[1];
}

/** Bumped when the nk_* keys change meaning; a record of another version is not read as ours. */
const RECORD_VERSION = 1;

/**
 * The settings of an instance's xl.cfg. The guest powers off to nothing
 * (the record stays: a stopped instance), reboots in place (a new domain
 * id, the same UUID), and is kept when it crashes, so the crash can be
 * seen and reported.
 */
export function domainSettings(config: DomainConfig): XlSetting[] {
  const { uuid, vcpus, memoryMiB, boot, record } = config;
  const metadata = Object.entries(record.metadata).flat();
  return [
    { key: "name", value: domainName(uuid) },
    { key: "uuid", value: uuid },
    { key: "type", value: boot.type },
    { key: "memory", value: memoryMiB },
    { key: "vcpus", value: vcpus },
    { key: "kernel", value: boot.kernel },
    ...(boot.ramdisk === undefined ? [] : [{ key: "ramdisk", value: boot.ramdisk }]),
    { key: "cmdline", value: boot.cmdline },
    { key: "on_poweroff", value: "destroy" },
    { key: "on_reboot", value: "restart" },
    { key: "on_crash", value: "preserve" },
    { key: "nk_record", value: RECORD_VERSION },
    { key: "nk_name", value: record.name },
    { key: "nk_metadata", value: metadata },
    { key: "nk_flavor", value: JSON.stringify(record.flavor) },
    { key: "nk_owner", value: JSON.stringify(record.owner) },
    { key: "nk_image", value: JSON.stringify(record.image) },
  ];
}

/** The xl.cfg text for an instance. Pure: the same config gives the same bytes. */
export function buildDomainConfig(config: DomainConfig): string {
  return serializeXlConfig(
    domainSettings(config),
    `novakit instance ${config.uuid}, written by @novakit/driver-xen: do not edit`,
  );
}

function text(map: Map<string, XlParsedValue>, key: string): string | undefined {
  const v = map.get(key);
  return v?.kind === "string" ? v.text : undefined;
}

function integer(map: Map<string, XlParsedValue>, key: string): number | undefined {
  const v = map.get(key);
  if (v?.kind !== "number" || !/^[0-9]+$/.test(v.text)) return undefined;
  return Number(v.text);
}

function json<T>(map: Map<string, XlParsedValue>, key: string, isT: (v: unknown) => v is T) {
  const raw = text(map, key);
  if (raw === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(raw);
    return isT(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

const isFlavor = (v: unknown): v is SpawnRequest["flavor"] =>
  isObject(v) &&
  typeof v.name === "string" &&
  typeof v.vcpus === "number" &&
  typeof v.memoryMiB === "number";
const isOwner = (v: unknown): v is SpawnRequest["owner"] =>
  isObject(v) && typeof v.projectId === "string" && typeof v.userId === "string";
const isImage = (v: unknown): v is SpawnRequest["image"] => isObject(v) && typeof v.id === "string";

/**
 * Reads an instance's xl.cfg back, or undefined when it is not one novakit
 * wrote for `uuid` (another tool's file, another version, damage).
 */
export function parseDomainConfig(uuid: string, cfg: string): DomainConfig | undefined {
  let map: Map<string, XlParsedValue>;
  try {
    map = xlConfigMap(parseXlConfig(cfg));
  } catch {
    return undefined;
  }
  if (integer(map, "nk_record") !== RECORD_VERSION) return undefined;
  if (text(map, "uuid") !== uuid || text(map, "name") !== domainName(uuid)) return undefined;
  const name = text(map, "nk_name");
  const list = map.get("nk_metadata");
  const flavor = json(map, "nk_flavor", isFlavor);
  const owner = json(map, "nk_owner", isOwner);
  const image = json(map, "nk_image", isImage);
  const vcpus = integer(map, "vcpus");
  const memoryMiB = integer(map, "memory");
  const type = text(map, "type");
  const kernel = text(map, "kernel");
  const cmdline = text(map, "cmdline") ?? "";
  if (
    name === undefined ||
    list?.kind !== "list" ||
    list.items.length % 2 !== 0 ||
    list.items.some((item) => item.kind !== "string") ||
    flavor === undefined ||
    owner === undefined ||
    image === undefined ||
    vcpus === undefined ||
    memoryMiB === undefined ||
    (type !== "pvh" && type !== "pv") ||
    kernel === undefined
  ) {
    return undefined;
  }
  // fromEntries makes own properties, so a key such as "__proto__" stays a key.
  const texts = list.items.map((item) => item.text);
  const metadata = Object.fromEntries(
    Array.from({ length: texts.length / 2 }, (_, i) => [texts[2 * i], texts[2 * i + 1]]),
  ) as Record<string, string>;
  const ramdisk = text(map, "ramdisk");
  return {
    uuid,
    vcpus,
    memoryMiB,
    boot: { type, kernel, cmdline, ...(ramdisk === undefined ? {} : { ramdisk }) },
    record: { name, metadata, flavor, owner, image },
  };
}
