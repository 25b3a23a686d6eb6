/**
 * What novakit-certify's exit status means. CI systems branch on these, so
 * they never change meaning within a major version.
 *
 * @public
 */
export const ExitCode = {
  /** The driver is certified. */
  Certified: 0,
  /** The suite ran and the driver is not certified (a MUST failed, or the run was partial or interrupted). */
  NotCertified: 1,
  /** The command line or a file it names is wrong; nothing ran. */
  Usage: 2,
  /** The driver package could not be loaded (manifest, contract range, entry point, config). */
  DriverLoad: 3,
  /** The driver loaded but could not reach its hypervisor. */
  HypervisorUnavailable: 4,
  /** The kit itself failed; a bug to report. */
  Internal: 5,
} as const;

/** @public */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** An error that ends the command with an exit code and one line for a person, no stack. */
export class UserFacingError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
  ) {
    super(message);
  }
}
