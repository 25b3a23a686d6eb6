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
  parseInstanceElement,
  usedDeviceNames,
} from "../src/domain-xml.js";

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
    const tags = [...xml.matchAll(/<\/?([A-Za-z_][\w:.-]*)/g)].map((m) => m[1]);
    expect(new Set(tags)).toEqual(
      new Set([
        "domain",
        "name",
        "uuid",
        "metadata",
        "nk:instance",
        "nk:data",
        "memory",
        "currentMemory",
        "vcpu",
        "os",
        "type",
        "on_poweroff",
        "on_reboot",
        "on_crash",
      ]),
    );
    expect(xml.match(/<vcpu>(\d+)<\/vcpu>/)?.[1]).toBe("2");
    expect(xml.match(/<memory unit='MiB'>(\d+)<\/memory>/)?.[1]).toBe("256");
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
    const renamed = element.replaceAll("nk:", "ns0:").replace("xmlns:nk=", "xmlns:ns0=");
    expect(parseInstanceElement(renamed)).toEqual(record);
  });

  it("names the domain by the instance's UUID, never by its display name", () => {
    const r = request("display name");
    expect(buildDomainXml(r, { domainType: "qemu" })).toContain(`<name>nk-${r.uuid}</name>`);
  });
});

describe("diskXml", () => {
  it("escapes the volume's source and keeps the structure its own", () => {
    const xml = diskXml("/vols/x'/><source file='/etc/shadow'/>.img", "vdb", true);
    expect([...xml.matchAll(/<source /g)]).toHaveLength(1);
    expect(xml).toContain("&apos;/&gt;&lt;source file=&apos;/etc/shadow&apos;/&gt;");
    expect(xml).toContain("<readonly/>");
    expect(usedDeviceNames(`<disk><target dev='vda' bus='virtio'/></disk>${xml}`)).toEqual(
      new Set(["vda", "vdb"]),
    );
  });
});
