// How xl-sim reads an xl.cfg: with the driver's parser of libxlu's grammar
// (src/xl/xl-cfg.ts, built), and the keys xl itself uses; nk_* and other
// keys xl does not know are ignored, as the real xl ignores them.
import { parseXlConfig, xlConfigMap } from "../dist/xl/xl-cfg.js";

export function createDomainFromCfg(text, file, fail) {
  let map;
  try {
    map = xlConfigMap(parseXlConfig(text));
  } catch (err) {
    fail(
      `${file}:${err.line ?? 0}: config parsing error near \`?': ${err.reason ?? err.message}\nFailed to parse config: Invalid argument`,
      3,
    );
  }
  const str = (k) => (map.get(k)?.kind === "string" ? map.get(k).text : undefined);
  const num = (k) => (map.get(k)?.kind === "number" ? Number(map.get(k).text) : undefined);
  const name = str("name");
  if (name === undefined) fail("Domain name must be specified.", 3);
  return {
    name,
    uuid: str("uuid") ?? "00000000-0000-0000-0000-000000000001",
    type: str("type") ?? "pv",
    memoryMiB: num("memory") ?? 128,
    vcpus: num("vcpus") ?? 1,
    kernel: str("kernel"),
    ramdisk: str("ramdisk"),
    cmdline: str("cmdline"),
  };
}

/** A domain as xl list -l prints it (the recorded 4.17 shape, trimmed to what matters). */
export function detailsJson(d) {
  const c_info = { type: d.type ?? "pv", name: d.name };
  if (d.domid !== 0)
    Object.assign(c_info, { domid: 4294967295, uuid: d.uuid, run_hotplug_scripts: "True" });
  return {
    domid: d.domid,
    config: {
      c_info,
      b_info: {
        ...(d.domid === 0
          ? {}
          : { max_vcpus: d.vcpus, avail_vcpus: Array.from({ length: d.vcpus }, (_, i) => i) }),
        max_memkb: d.memoryMiB * 1024,
        target_memkb: d.memoryMiB * 1024 - (d.domid === 0 ? 1 : 0),
        sched_params: {},
      },
    },
  };
}

/** What xl create -n prints: the domain config alone, no domid. */
export function DRY_RUN_JSON(d) {
  const { config } = detailsJson({ ...d, domid: -1 });
  return {
    c_info: { type: config.c_info.type, name: d.name, uuid: d.uuid, run_hotplug_scripts: "True" },
    b_info: { ...config.b_info, kernel: d.kernel, cmdline: d.cmdline, ramdisk: d.ramdisk },
  };
}
