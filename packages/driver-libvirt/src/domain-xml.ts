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
}

/**
 * The domain XML for a spawn request. Every value from the request goes
 * through escapeXml or encodeOpaque; the instance's display name and
 * metadata are kept only inside the novakit metadata element, as opaque
 * text, so nothing in them can change the domain's configuration.
 */
export function buildDomainXml(request: SpawnRequest, options: DomainXmlOptions): string {
  const record: InstanceRecord = {
    name: request.name,
    metadata: request.metadata,
    flavor: request.flavor,
    owner: request.owner,
    image: request.image,
  };
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
  if (options.consoleLog === undefined) return [];
  return [
    "  <devices>",
    `    <serial type='file'><source path='${escapeXml(options.consoleLog)}'/><target port='0'/></serial>`,
    "    <memballoon model='none'/>",
    "  </devices>",
  ];
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
