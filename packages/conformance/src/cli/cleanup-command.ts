import { parseArgs } from "node:util";
import { isDriverError, loadDriver } from "@novakit/driver-api";
import { RUN_METADATA_KEY } from "../suite/context.js";
import { readJsonFile } from "./args.js";
import { ExitCode, UserFacingError } from "./exit-codes.js";

/**
 * Removes instances left behind by interrupted certification runs: every
 * instance marked with the suite's run metadata key (or with one run id).
 */
export async function cleanupCommand(argv: readonly string[]): Promise<number> {
  let values: { driver?: string; config?: string; "run-id"?: string };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      options: {
        driver: { type: "string" },
        config: { type: "string" },
        "run-id": { type: "string" },
      },
    }));
  } catch (err) {
    throw new UserFacingError(ExitCode.Usage, `cleanup: ${(err as Error).message}`);
  }
  if (!values.driver) throw new UserFacingError(ExitCode.Usage, "cleanup: --driver is required");
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
  try {
    for (const { uuid } of await loaded.client.listInstances()) {
      const info = await loaded.client.getInstanceInfo(uuid).catch(() => undefined);
      const run = info?.metadata[RUN_METADATA_KEY];
      if (run === undefined || (values["run-id"] !== undefined && run !== values["run-id"]))
        continue;
      await loaded.client.destroy(uuid);
      process.stdout.write(`removed ${uuid} (run ${run})\n`);
      removed += 1;
    }
  } finally {
    await loaded.client.close().catch(() => {});
  }
  process.stdout.write(`${removed} leftover instance(s) removed\n`);
  return ExitCode.Certified;
}
