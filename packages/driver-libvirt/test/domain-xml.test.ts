// The domain XML builder faces the suite's hostile strings: whatever a name
// or metadata holds, the XML's structure is the builder's alone, and the
// record reads back byte for byte.
import { randomUUID } from "node:crypto";
import type { SpawnRequest } from "@novakit/driver-api";
import { describe, expect, it } from "vitest";
import {
  buildDomainXml,
  diskXml,
  instanceElement,
  METADATA_NS,
  parseInstanceElement,
  parseSnapshotDescription,
  snapshotXml,
  usedDeviceNames,
} from "../src/domain-xml.js";
import { parseXml, type XmlNode } from "../src/xml.js";

/** Every element of a document, in document order, as prefix-free names. */
function elementNames(xml: string): string[] {
  const names: string[] = [];
  const walk = (node: XmlNode): void => {
    names.push(node.localName ?? "");
    for (let c = node.firstChild; c !== null; c = c.nextSibling) {
      if (c.nodeType === c.ELEMENT_NODE) walk(c as XmlNode);
    }
  };
  const root = parseXml(xml).documentElement;
  if (root !== null) walk(root);
  return names;
}

const textOf = (xml: string, name: string): string | null | undefined =>
  parseXml(xml).getElementsByTagName(name)[0]?.textContent;

const hostile = [
  `it's "quoted"`,
  "x</name><vcpu>64</vcpu><memory unit='GiB'>512</memory><name>y",
  "]]><![CDATA[x]]>",
  'x"\nmemory = 999999\nvcpus = 64',
  "tab\t \u0001\u0002\u0007\u0008\u000b\u000c\u001f\u007f \u001b[31m",
  "名前 🚀 \u202eevil\u202c \ufeff \ufffe",
  "&amp; &lt; &#0; &#x41;",
];

function request(name: string): SpawnRequest {
  return {
    uuid: randomUUID(),
    name,
    flavor: { name: "m1", vcpus: 2, memoryMiB: 256, rootDiskGiB: 0 },
    image: { id: "img" },
    owner: { projectId: "p<&>", userId: "u\"'" },
    metadata: Object.fromEntries(hostile.map((h, i) => [`${h}-${i}`, h])),
  };
}

describe("buildDomainXml", () => {
  it.each(hostile)("keeps the structure its own for a name like %j", (name) => {
    const xml = buildDomainXml(request(name), { domainType: "test" });
    expect(elementNames(xml)).toEqual([
      "domain",
      "name",
      "uuid",
      "metadata",
      "instance",
      "data",
      "memory",
      "currentMemory",
      "vcpu",
      "os",
      "type",
      "on_poweroff",
      "on_reboot",
      "on_crash",
    ]);
    expect(textOf(xml, "vcpu")).toBe("2");
    expect(textOf(xml, "memory")).toBe("256");
    expect(parseXml(xml).getElementsByTagName("memory")[0]?.getAttribute("unit")).toBe("MiB");
    // XML 1.0 cannot carry these at all; they must be encoded.
    expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/);
  });

  it("reads the record back unchanged, also after libvirt renames the namespace prefix", () => {
    const r = request(hostile.join(" | "));
    const record = {
      name: r.name,
      metadata: r.metadata,
      flavor: r.flavor,
      owner: r.owner,
      image: r.image,
    };
    const element = instanceElement(record);
    expect(parseInstanceElement(element)).toEqual(record);
    // libvirt hands the element back under a prefix of its choosing.
    const prefixed = element
      .replace(`<instance xmlns="${METADATA_NS}">`, `<ns0:instance xmlns:ns0="${METADATA_NS}">`)
      .replace("<data>", "<ns0:data>")
      .replace("</data></instance>", "</ns0:data></ns0:instance>");
    expect(prefixed).toContain("<ns0:data>");
    expect(parseInstanceElement(prefixed)).toEqual(record);
    // virDomainGetMetadata strips the namespace it was asked for.
    const stripped = element.replace(` xmlns="${METADATA_NS}"`, "");
    expect(stripped.startsWith("<instance><data>")).toBe(true);
    expect(parseInstanceElement(stripped)).toEqual(record);
  });

  it("names the domain by the instance's UUID, never by its display name", () => {
    const r = request("display name");
    expect(textOf(buildDomainXml(r, { domainType: "qemu" }), "name")).toBe(`nk-${r.uuid}`);
  });

  it("gives a QEMU guest ACPI with or without a kernel to boot, so devices can be hot-plugged", () => {
    const r = request("acpi");
    expect(elementNames(buildDomainXml(r, { domainType: "qemu" }))).toContain("acpi");
    const booted = buildDomainXml(r, {
      domainType: "qemu",
      boot: { kernel: "/k", cmdline: "console=ttyS0" },
    });
    expect(elementNames(booted)).toContain("acpi");
    expect(elementNames(buildDomainXml(r, { domainType: "test" }))).not.toContain("features");
  });
});

describe("parseInstanceElement", () => {
  it.each([
    ["nothing", ""],
    [
      "another namespace",
      `<x:instance xmlns:x="urn:other"><x:data>{"name":"a"}</x:data></x:instance>`,
    ],
    ["text that is not JSON", `<instance xmlns="${METADATA_NS}"><data>not json</data></instance>`],
    ["JSON of another shape", `<instance xmlns="${METADATA_NS}"><data>[1,2]</data></instance>`],
    ["XML that does not parse", `<instance xmlns="${METADATA_NS}"><data>`],
  ])("finds no record in %s", (_what, xml) => {
    expect(parseInstanceElement(xml)).toBeUndefined();
  });
});

describe("snapshot descriptions", () => {
  it("round-trip hostile names, and read as nothing when another client wrote them", () => {
    for (const name of hostile) {
      const saved = { name, createdAt: "2026-01-01T00:00:00.000Z", powerState: "running" };
      expect(parseSnapshotDescription(snapshotXml("id-1", saved))).toEqual(saved);
    }
    expect(
      parseSnapshotDescription(
        "<domainsnapshot><name>s1</name><description>taken by virsh & co</description></domainsnapshot>",
      ),
    ).toBeUndefined();
    expect(
      parseSnapshotDescription("<domainsnapshot><name>s1</name></domainsnapshot>"),
    ).toBeUndefined();
  });
});

describe("diskXml", () => {
  it("escapes the volume's source and keeps the structure its own", () => {
    const source = `/vols/x'"/><source file='/etc/shadow'/>.img`;
    const xml = diskXml(source, "vdb", true);
    expect(elementNames(xml)).toEqual(["disk", "driver", "source", "target", "readonly"]);
    expect(parseXml(xml).getElementsByTagName("source")[0]?.getAttribute("file")).toBe(source);
    expect(parseXml(xml).getElementsByTagName("driver")[0]?.getAttribute("type")).toBe("raw");
    const block = diskXml("/dev/vg/vol", "vdc", false, "scsi", "block");
    expect(parseXml(block).getElementsByTagName("source")[0]?.getAttribute("dev")).toBe(
      "/dev/vg/vol",
    );
    const domain = `<domain><devices><disk><target dev='vda' bus='virtio'/></disk>${xml}<interface><target dev='vnet0'/></interface></devices></domain>`;
    expect(usedDeviceNames(domain)).toEqual(new Set(["vda", "vdb"]));
  });
});
