/**
 * One argument as a POSIX shell word that the remote shell turns back into
 * exactly `arg`: ssh joins its arguments into one line that dom0's shell
 * parses, so every argument is single-quoted (a quote inside as '\'').
 * Nothing inside single quotes is special to sh, newlines and $ included.
 */
export function shellQuote(arg: string): string {
  if (arg.includes("\u0000")) throw new RangeError("a command argument cannot carry NUL");
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** A program and its arguments as one remote command line, every word quoted. */
export function shellCommand(program: string, args: readonly string[]): string {
  return [program, ...args].map(shellQuote).join(" ");
}
