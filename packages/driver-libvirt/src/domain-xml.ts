import type { SpawnRequest } from "@novakit/driver-api";
import {
  childElements,
  decodeOpaque,
  element,
  encodeOpaque,
  namespacedElement,
  parseXml,
  serialize,
  type XmlChild,
  type XmlElement,
} from "./xml.js";

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
  blockDevices?: {
    id: string;
    deviceName: string;
    /** The real path of the volume's file or block device. */
    source: string;
    readOnly: boolean;
    block?: boolean;
  }[];
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
 * The domain XML for a spawn request. The document is built as a tree, so
 * every value is escaped by the serialiser; the instance's display name and
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
  const memory = String(request.flavor.memoryMiB);
  return serialize(
    element("domain", { type: options.domainType }, [
      element("name", {}, [domainName(request.uuid)]),
      element("uuid", {}, [request.uuid]),
      element("metadata", {}, [instanceTree(record)]),
      element("memory", { unit: "MiB" }, [memory]),
      element("currentMemory", { unit: "MiB" }, [memory]),
      element("vcpu", {}, [String(request.flavor.vcpus)]),
      osElement(options),
      // ACPI lets a QEMU guest hear a power button and hot-plug PCI devices
      // (volumes, interfaces); libvirt's test driver knows no features.
      options.domainType !== "test" && element("features", {}, [element("acpi")]),
      element("on_poweroff", {}, ["destroy"]),
      element("on_reboot", {}, ["restart"]),
      element("on_crash", {}, ["destroy"]),
      devicesElement(options),
    ]),
  );
}

function osElement(options: DomainXmlOptions): XmlElement {
  if (options.boot === undefined) return element("os", {}, [element("type", {}, ["hvm"])]);
  const { kernel, initrd, cmdline } = options.boot;
  return element("os", {}, [
    element("type", { arch: "x86_64", machine: "pc" }, ["hvm"]),
    element("kernel", {}, [kernel]),
    initrd !== undefined && element("initrd", {}, [initrd]),
    element("cmdline", {}, [cmdline]),
  ]);
}

function devicesElement(options: DomainXmlOptions): XmlElement | undefined {
  const inside: XmlChild[] = [];
  if (options.rootDiskPath !== undefined) {
    inside.push(
      element("disk", { type: "file", device: "disk" }, [
        element("driver", { name: "qemu", type: "qcow2" }),
        element("source", { file: options.rootDiskPath }),
        element("target", { dev: "vda", bus: "virtio" }),
      ]),
    );
  }
  for (const nic of options.interfaces ?? [])
    inside.push(interfaceTree(nic.macAddress, nic.target));
  if (options.consoleLog !== undefined) {
    inside.push(
      element("serial", { type: "file" }, [
        element("source", { path: options.consoleLog }),
        element("target", { port: "0" }),
      ]),
      element("memballoon", { model: "none" }),
    );
  }
  return inside.length === 0 ? undefined : element("devices", {}, inside);
}

function interfaceTree(macAddress: string, target: InterfaceTarget): XmlElement {
  return element("interface", { type: target.type }, [
    element("mac", { address: macAddress }),
    element(
      "source",
      target.type === "network" ? { network: target.name } : { bridge: target.name },
    ),
    element("model", { type: "virtio" }),
  ]);
}

/** An interface element: on a libvirt network or a host bridge, virtio, with its MAC address. */
export function interfaceXml(macAddress: string, target: InterfaceTarget): string {
  return serialize(interfaceTree(macAddress, target));
}

function instanceTree(record: InstanceRecord): XmlElement {
  return namespacedElement(METADATA_NS, "instance", [element("data", {}, [encodeOpaque(record)])]);
}

/**
 * The metadata element alone, as virDomainSetMetadata takes it: libvirt
 * files it under the namespace given beside it, with its own prefix.
 */
export function instanceElement(record: InstanceRecord): string {
  return serialize(instanceTree(record));
}

/**
 * Reads the instance record back from the metadata element libvirt returns
 * for novakit's namespace (virDomainGetMetadata hands it back with the
 * namespace stripped, or under a prefix of its choosing), or undefined when
 * there is none or it holds something else: a domain novakit did not create.
 */
export function parseInstanceElement(xml: string): InstanceRecord | undefined {
  if (xml === "") return undefined;
  try {
    const root = parseXml(xml).documentElement;
    if (root === null || root.localName !== "instance") return undefined;
    if (root.namespaceURI !== null && root.namespaceURI !== METADATA_NS) return undefined;
    const data = childElements(root, "data")[0];
    if (data === undefined) return undefined;
    const record = decodeOpaque(data.textContent ?? "");
    return isInstanceRecord(record) ? record : undefined;
  } catch {
    return undefined;
  }
}

function isInstanceRecord(value: unknown): value is InstanceRecord {
  if (typeof value !== "object" || value === null) return false;
  const r = value as Record<string, unknown>;
  return (
    typeof r.name === "string" &&
    typeof r.metadata === "object" &&
    r.metadata !== null &&
    typeof r.flavor === "object" &&
    typeof r.owner === "object" &&
    typeof r.image === "object"
  );
}

/**
 * The disk element for an attached volume: raw, so the hypervisor never
 * interprets a volume's contents as an image format that names other files.
 * The core's id is not put in the XML (libvirt limits aliases and serials);
 * the driver keeps id -> device in the instance record instead.
 */
export function diskXml(
  source: string,
  deviceName: string,
  readOnly: boolean,
  bus = "virtio",
  sourceType: "file" | "block" = "file",
): string {
  return serialize(
    element("disk", { type: sourceType, device: "disk" }, [
      element("driver", { name: "qemu", type: "raw" }),
      element("source", sourceType === "file" ? { file: source } : { dev: source }),
      element("target", { dev: deviceName, bus }),
      readOnly && element("readonly"),
    ]),
  );
}

/** The guest device names a domain's XML already uses (vda, vdb, ...), read by a parser. */
export function usedDeviceNames(domainXml: string): Set<string> {
  const root = parseXml(domainXml).documentElement;
  const names = new Set<string>();
  if (root === null) return names;
  const devices = root.localName === "devices" ? [root] : childElements(root, "devices");
  for (const container of devices) {
    for (const disk of childElements(container, "disk")) {
      for (const target of childElements(disk, "target")) {
        const dev = target.getAttribute("dev");
        if (dev) names.add(dev);
      }
    }
  }
  return names;
}

/** A snapshot's XML for virDomainSnapshotCreateXML: its id as the name, the rest as opaque text. */
export function snapshotXml(id: string, description: unknown): string {
  return serialize(
    element("domainsnapshot", {}, [
      element("name", {}, [id]),
      element("description", {}, [encodeOpaque(description)]),
    ]),
  );
}

/** The description a snapshot's XML carries, decoded, or undefined when it has none novakit wrote. */
export function parseSnapshotDescription(xml: string): unknown {
  try {
    const root = parseXml(xml).documentElement;
    const description = root === null ? undefined : childElements(root, "description")[0];
    return description === undefined ? undefined : decodeOpaque(description.textContent ?? "");
  } catch {
    return undefined;
  }
}
