import type { SpawnRequest } from "@novakit/driver-api";
import { decodeOpaque, encodeOpaque, escapeXml } from "./xml.js";

/** The XML namespace of the instance record the driver keeps in each domain's metadata. */
export const METADATA_NS = "https://novakit.dev/xmlns/instance/1";
export const METADATA_PREFIX = "nk";

/** What the driver keeps with each domain, so getInstanceInfo can return it unchanged. */
export interface InstanceRecord {
  name: string;
  metadata: Record<string, string>;
  flavor: SpawnRequest["flavor"];
  owner: SpawnRequest["owner"];
  image: SpawnRequest["image"];
  /** Attached volumes by the core's id: the guest-visible device each got. */
  blockDevices?: { id: string; deviceName: string; source: string; readOnly: boolean }[];
  /** Network interfaces by the core's port id: the network and the MAC address each got. */
  interfaces?: InterfaceRecord[];
}

/** A network interface as the driver keeps it. */
export interface InterfaceRecord {
  id: string;
  /** The network's name in the contract (what the core asked for). */
  network: string;
  macAddress: string;
}

/** Where an interface plugs in on the host: a libvirt network or a bridge. */
export interface InterfaceTarget {
  readonly type: "network" | "bridge";
  readonly name: string;
}

/** The hypervisor-side name of an instance: derived from its UUID, never from its display name. */
export function domainName(uuid: string): string {
  return `nk-${uuid}`;
}

export interface DomainXmlOptions {
  /** libvirt's domain type: "test" for the test driver, "qemu" for TCG, "kvm". */
  readonly domainType: string;
  /** Direct kernel boot (QEMU): kernel, initramfs and command line. */
  readonly boot?: { readonly kernel: string; readonly initrd?: string; readonly cmdline: string };
  /** Where the serial console is logged (QEMU). */
  readonly consoleLog?: string;
  /** The root disk: a qcow2 volume's path, the guest's vda. */
  readonly rootDiskPath?: string;
  /** Interfaces to create with the domain, each with where it plugs in. */
  readonly interfaces?: readonly {
    readonly macAddress: string;
    readonly target: InterfaceTarget;
  }[];
}

/**
 * The domain XML for a spawn request. Every value from the request goes
 * through escapeXml or encodeOpaque; the instance's display name and
 * metadata are kept only inside the novakit metadata element, as opaque
 * text, so nothing in them can change the domain's configuration.
 */
export function buildDomainXml(request: SpawnRequest, options: DomainXmlOptions): string {
  return buildDomainXmlFor(
    {
      name: request.name,
      metadata: request.metadata,
      flavor: request.flavor,
      owner: request.owner,
      image: request.image,
    },
    request,
    options,
  );
}

/** The same, with the record to keep given: spawn adds its root volume and interfaces to it. */
export function buildDomainXmlFor(
  record: InstanceRecord,
  request: SpawnRequest,
  options: DomainXmlOptions,
): string {
  return [
    `<domain type='${escapeXml(options.domainType)}'>`,
    `  <name>${escapeXml(domainName(request.uuid))}</name>`,
    `  <uuid>${escapeXml(request.uuid)}</uuid>`,
    "  <metadata>",
    `    ${instanceElement(record)}`,
    "  </metadata>",
    `  <memory unit='MiB'>${request.flavor.memoryMiB}</memory>`,
    `  <currentMemory unit='MiB'>${request.flavor.memoryMiB}</currentMemory>`,
    `  <vcpu>${request.flavor.vcpus}</vcpu>`,
    ...osElement(options),
    "  <on_poweroff>destroy</on_poweroff>",
    "  <on_reboot>restart</on_reboot>",
    "  <on_crash>destroy</on_crash>",
    ...devices(options),
    "</domain>",
  ].join("\n");
}

function osElement(options: DomainXmlOptions): string[] {
  if (options.boot === undefined) return ["  <os><type>hvm</type></os>"];
  const { kernel, initrd, cmdline } = options.boot;
  return [
    "  <os>",
    "    <type arch='x86_64' machine='pc'>hvm</type>",
    `    <kernel>${escapeXml(kernel)}</kernel>`,
    ...(initrd ? [`    <initrd>${escapeXml(initrd)}</initrd>`] : []),
    `    <cmdline>${escapeXml(cmdline)}</cmdline>`,
    "  </os>",
    "  <features><acpi/></features>",
  ];
}

function devices(options: DomainXmlOptions): string[] {
  const inside: string[] = [];
  if (options.rootDiskPath !== undefined) {
    inside.push(
      `    <disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='${escapeXml(options.rootDiskPath)}'/><target dev='vda' bus='virtio'/></disk>`,
    );
  }
  for (const nic of options.interfaces ?? [])
    inside.push(`    ${interfaceXml(nic.macAddress, nic.target)}`);
  if (options.consoleLog !== undefined) {
    inside.push(
      `    <serial type='file'><source path='${escapeXml(options.consoleLog)}'/><target port='0'/></serial>`,
      "    <memballoon model='none'/>",
    );
  }
  return inside.length === 0 ? [] : ["  <devices>", ...inside, "  </devices>"];
}

/** An interface element: on a libvirt network or a host bridge, virtio, with its MAC address. */
export function interfaceXml(macAddress: string, target: InterfaceTarget): string {
  const source =
    target.type === "network"
      ? `<source network='${escapeXml(target.name)}'/>`
      : `<source bridge='${escapeXml(target.name)}'/>`;
  return `<interface type='${target.type}'><mac address='${escapeXml(macAddress)}'/>${source}<model type='virtio'/></interface>`;
}

/** The metadata element alone, as virDomainSetMetadata takes it. */
export function instanceElement(record: InstanceRecord): string {
  return `<${METADATA_PREFIX}:instance xmlns:${METADATA_PREFIX}="${METADATA_NS}"><${METADATA_PREFIX}:data>${encodeOpaque(record)}</${METADATA_PREFIX}:data></${METADATA_PREFIX}:instance>`;
}

/**
 * Reads the instance record back from the metadata element libvirt returns
 * (it may rename the prefix), or undefined when the domain has none: a
 * domain novakit did not create.
 */
export function parseInstanceElement(xml: string): InstanceRecord | undefined {
  const match = /<(?:[A-Za-z0-9_-]+:)?data>([\s\S]*?)<\/(?:[A-Za-z0-9_-]+:)?data>/.exec(xml);
  if (match?.[1] === undefined) return undefined;
  try {
    return decodeOpaque<InstanceRecord>(match[1]);
  } catch {
    return undefined;
  }
}

/**
 * The disk element for an attached volume. The core's id is not put in the
 * XML (libvirt limits aliases and serials); the driver keeps id -> device in
 * the instance record instead.
 */
export function diskXml(
  source: string,
  deviceName: string,
  readOnly: boolean,
  bus = "virtio",
): string {
  return [
    "<disk type='file' device='disk'>",
    "<driver name='qemu' type='raw'/>",
    `<source file='${escapeXml(source)}'/>`,
    `<target dev='${escapeXml(deviceName)}' bus='${escapeXml(bus)}'/>`,
    readOnly ? "<readonly/>" : "",
    "</disk>",
  ].join("");
}

/** The guest device names a domain's XML already uses (vda, vdb, ...). */
export function usedDeviceNames(domainXml: string): Set<string> {
  return new Set([...domainXml.matchAll(/<target dev='([^']+)'/g)].map((m) => m[1] ?? ""));
}

/**
 * The record as virDomainSetMetadata takes it: libvirt puts the element in
 * the namespace (with the prefix) given beside it, so the element here
 * carries only a default namespace declaration.
 */
export function instanceElementForUpdate(record: InstanceRecord): string {
  return `<instance xmlns="${METADATA_NS}"><data>${encodeOpaque(record)}</data></instance>`;
}
