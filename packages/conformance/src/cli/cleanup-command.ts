import { parseArgs } from "node:util";
import { isDriverError, loadDriver } from "@novakit/driver-api";
import { RUN_METADATA_KEY } from "../suite/context.js";
import { readJsonFile } from "./args.js";
import { ExitCode, UserFacingError } from "./exit-codes.js";

const USAGE = `usage: novakit-certify cleanup --driver <package or path> [options]

Removes what interrupted certification runs left on the hypervisor: every
instance marked with the suite's run metadata (or with one run's id), and
the instances named with --uuid. The driver's own init runs first, so a
driver that cleans up after a crash (volumes, half-made domains) does so.

  --driver <pkg|path>   the driver package, as certified
  --config <file>       the driver's config (JSON)
  --run-id <id>         only this run's instances
  --uuid <uuid>         also destroy this instance, marked or not (repeatable):
                        for instances the driver cannot read back
  -h, --help            this text
`;

/**
 * Removes instances left behind by interrupted certification runs: every
 * instance marked with the suite's run metadata key (or with one run id),
 * and the UUIDs named on the command line. An instance the driver lists but
 * cannot read is not judged; it is named, with the command that removes it.
 */
export async function cleanupCommand(argv: readonly string[]): Promise<number> {
  let values: {
    driver?: string;
    config?: string;
    "run-id"?: string;
    uuid?: string[];
    help?: boolean;
  };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      options: {
        driver: { type: "string" },
        config: { type: "string" },
        "run-id": { type: "string" },
        uuid: { type: "string", multiple: true },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (err) {
    throw new UserFacingError(ExitCode.Usage, `cleanup: ${(err as Error).message}\n\n${USAGE}`);
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return ExitCode.Certified;
  }
  if (!values.driver)
    throw new UserFacingError(ExitCode.Usage, `cleanup: --driver is required\n\n${USAGE}`);
  const named = values.uuid ?? [];
  const badUuid = named.find(
    (u) => !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(u),
  );
  if (badUuid !== undefined) {
    throw new UserFacingError(
      ExitCode.Usage,
      `cleanup: --uuid "${badUuid}" is not a lower-case UUID`,
    );
  }
  const config = values.config === undefined ? {} : readJsonFile("--config", values.config);
  let loaded: Awaited<ReturnType<typeof loadDriver>>;
  try {
    loaded = await loadDriver(values.driver, config);
  } catch (err) {
    throw new UserFacingError(
      ExitCode.DriverLoad,
      `could not load the driver: ${(err as Error).message}`,
    );
  }
  try {
    await loaded.client.init();
  } catch (err) {
    const code = isDriverError(err, "NOVAKIT_HYPERVISOR_UNAVAILABLE")
      ? ExitCode.HypervisorUnavailable
      : ExitCode.DriverLoad;
    throw new UserFacingError(code, `driver failed to initialise: ${(err as Error).message}`);
  }
  let removed = 0;
  const unreadable: string[] = [];
  const failed: string[] = [];
  const destroy = async (uuid: string, why: string) => {
    try {
      await loaded.client.destroy(uuid);
      process.stdout.write(`removed ${uuid} (${why})\n`);
      removed += 1;
    } catch (err) {
      failed.push(`${uuid}: ${(err as Error).message}`);
    }
  };
  try {
    for (const uuid of named) await destroy(uuid, "named with --uuid");
    for (const { uuid } of await loaded.client.listInstances()) {
      if (named.includes(uuid)) continue;
      let run: string | undefined;
      try {
        run = (await loaded.client.getInstanceInfo(uuid)).metadata[RUN_METADATA_KEY];
      } catch (err) {
        if (!isDriverError(err, "NOVAKIT_INSTANCE_NOT_FOUND")) unreadable.push(uuid);
        continue;
      }
      if (run === undefined || (values["run-id"] !== undefined && run !== values["run-id"]))
        continue;
      await destroy(uuid, `run ${run}`);
    }
  } finally {
    await loaded.client.close().catch(() => {});
  }
  process.stdout.write(`${removed} leftover instance(s) removed\n`);
  for (const line of failed) process.stdout.write(`could not remove ${line}\n`);
  if (unreadable.length > 0) {
    const flags = unreadable.map((u) => `--uuid ${u}`).join(" ");
    process.stdout.write(
      `${unreadable.length} listed instance(s) could not be read, so whether they are a run's is unknown: ${unreadable.join(", ")}\n` +
        `if they are, remove them with: novakit-certify cleanup --driver ${values.driver}${values.config === undefined ? "" : ` --config ${values.config}`} ${flags}\n`,
    );
  }
  if (failed.length > 0) return ExitCode.NotCertified;
  return ExitCode.Certified;
}
