/**
 * A mistake in what the user asked for (a bad flag, a taken directory). The
 * command prints its message as one line, with no stack trace, and exits 2.
 *
 * @public
 */
export class UsageError extends Error {
  readonly code = "NOVAKIT_CREATE_USAGE";
  override readonly name = "UsageError";
}
