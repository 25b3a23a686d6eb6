// Every generated xl.cfg is parsed back by libxlu's grammar: whatever the
// name, metadata, owner, flavor name and image id hold, the file has
// exactly the driver's keys, each standard key has the value it has for a
// harmless request, and the record comes back byte for byte.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  buildDomainConfig,
  type DomainConfig,
  domainSettings,
  parseDomainConfig,
} from "../src/xl/domain-config.js";
import { parseXlConfig } from "../src/xl/xl-cfg.js";
import { HOSTILE } from "./hostile-strings.js";

const uuid = "5f1c2a9e-3b7d-4c1e-9a2f-0d4e6b8c1a3f";
const base: DomainConfig = {
  uuid,
  vcpus: 1,
  memoryMiB: 128,
  boot: {
    type: "pvh",
    kernel: "/var/lib/novakit/guest/vmlinuz",
    ramdisk: "/var/lib/novakit/guest/initrd.img",
    cmdline: "console=hvc0 loglevel=4",
  },
  record: {
    name: "plain",
    metadata: { role: "web" },
    flavor: { name: "nkc.tiny", vcpus: 1, memoryMiB: 128, rootDiskGiB: 0 },
    owner: { projectId: "p", userId: "u" },
    image: { id: "novakit-conformance-image" },
  },
};
const IDENTITY_KEYS = new Set(["nk_name", "nk_metadata", "nk_flavor", "nk_owner", "nk_image"]);

/** The file's settings: every key once, in the builder's order. */
function settingsOf(config: DomainConfig) {
  const parsed = parseXlConfig(buildDomainConfig(config));
  expect(parsed.map((s) => s.key)).toEqual(domainSettings(config).map((s) => s.key));
  expect(parsed.every((s) => s.op === "=")).toBe(true);
  return new Map(parsed.map((s) => [s.key, s.value]));
}

const benign = settingsOf(base);

function variants(text: string): [string, DomainConfig][] {
  const r = base.record;
  return [
    ["name", { ...base, record: { ...r, name: text } }],
    ["metadata value", { ...base, record: { ...r, metadata: { role: text, other: "kept" } } }],
    ["metadata key", { ...base, record: { ...r, metadata: { [text]: "v", other: "kept" } } }],
    ["owner", { ...base, record: { ...r, owner: { projectId: text, userId: text } } }],
    ["flavor name", { ...base, record: { ...r, flavor: { ...r.flavor, name: text } } }],
    ["image id", { ...base, record: { ...r, image: { id: text, location: text } } }],
  ];
}

describe("an instance's xl.cfg, parsed back", () => {
  for (const [label, text] of HOSTILE) {
    for (const [where, config] of variants(text)) {
      it(`${label} in the ${where} changes no key but its own, and round-trips`, () => {
        const settings = settingsOf(config);
        for (const [key, value] of benign) {
          if (!IDENTITY_KEYS.has(key)) expect(settings.get(key), key).toEqual(value);
        }
        const back = parseDomainConfig(uuid, buildDomainConfig(config));
        expect(back).toEqual(config);
        if (where === "metadata key")
          expect(Object.keys(back?.record.metadata ?? {})).toEqual([text, "other"]);
      });
    }
  }

  it("is exactly the file xl 4.17 accepted in the recorded run (test/fixtures/xl-cfg/hostile.cfg)", () => {
    const fixture = readFileSync(new URL("./fixtures/xl-cfg/hostile.cfg", import.meta.url), "utf8");
    const config = parseDomainConfig(uuid, fixture);
    expect(config?.record.name).toBe('x"\nmemory = 999999\nvcpus = 64\nname = "y');
    expect(buildDomainConfig(config as DomainConfig)).toBe(fixture);
    // xl create -n (the dry run) of that file: the injection reached no key xl knows.
    const dry = JSON.parse(
      readFileSync(new URL("./fixtures/real/15-create-dry-run.out", import.meta.url), "utf8"),
    );
    expect(dry.c_info.name).toBe(`nk-${uuid}`);
    expect(dry.b_info.max_vcpus).toBe(1);
    expect(dry.b_info.max_memkb).toBe(128 * 1024);
  });

  it("is not read as an instance when it is another UUID's, another version's or damaged", () => {
    const text = buildDomainConfig(base);
    expect(parseDomainConfig("00000000-0000-4000-8000-000000000000", text)).toBeUndefined();
    expect(parseDomainConfig(uuid, text.replace("nk_record = 1", "nk_record = 2"))).toBeUndefined();
    expect(parseDomainConfig(uuid, text.slice(0, text.length - 20))).toBeUndefined();
    expect(parseDomainConfig(uuid, 'name = "x"')).toBeUndefined();
  });
});
