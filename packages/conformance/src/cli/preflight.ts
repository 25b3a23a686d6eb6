import { DriverLoadError, isDriverError, loadDriver } from "@novakit/driver-api";
import { ExitCode, UserFacingError } from "./exit-codes.js";

/**
 * Loads the driver and connects it once, in this process, before the suite
 * starts, so that a driver that cannot load and a hypervisor that cannot be
 * reached each end the command at once with their own exit code and a line
 * that says what to fix, instead of a hundred failed tests.
 */
export async function preflight(driver: string, config: unknown, fromDir: string): Promise<void> {
  let loaded: Awaited<ReturnType<typeof loadDriver>>;
  try {
    loaded = await loadDriver(driver, config, { fromDir });
  } catch (err) {
    if (err instanceof DriverLoadError || isDriverError(err)) {
      throw new UserFacingError(
        ExitCode.DriverLoad,
        `could not load the driver: ${(err as Error).message}`,
      );
    }
    throw err;
  }
  try {
    await loaded.client.init({ timeoutMs: 60_000 });
  } catch (err) {
    if (
      isDriverError(err, "NOVAKIT_HYPERVISOR_UNAVAILABLE") ||
      isDriverError(err, "NOVAKIT_TIMEOUT")
    ) {
      throw new UserFacingError(
        ExitCode.HypervisorUnavailable,
        `driver "${loaded.manifest.name}" could not reach its hypervisor: ${(err as Error).message}`,
      );
    }
    throw new UserFacingError(
      ExitCode.DriverLoad,
      `driver "${loaded.manifest.name}" failed to initialise: ${(err as Error).message}`,
    );
  } finally {
    await loaded.client.close().catch(() => {});
  }
}
