/** What one command said: its output, its error output and its exit status. */
export interface CommandResult {
  readonly stdout: string;
  readonly stderr: string;
  /** The command's exit status; a transport failure is an exception instead. */
  readonly exitCode: number;
  /** stdout as bytes, when the run asked for them (`binary`). */
  readonly stdoutBytes?: Uint8Array;
}

export interface RunOptions {
  /** Aborts the wait (and the local process); work already handed to dom0 may still finish. */
  readonly signal?: AbortSignal;
  /** Bytes for the command's standard input. */
  readonly input?: string;
  /** Also keep stdout as bytes (a console log is bytes, not text). */
  readonly binary?: boolean;
}

/**
 * Where xl runs: dom0 itself, or a dom0 reached over a remote channel. A
 * command is a program and its arguments, never a shell string: each
 * argument reaches the program as it was given, whatever it holds.
 *
 * `run` rejects with TransportError when the channel itself fails (ssh
 * cannot connect, the program cannot be started); a command that runs and
 * fails resolves with its exit status.
 */
export interface Transport {
  /** For people: where the commands run ("local", "ssh root@127.0.0.1:10222"). */
  readonly description: string;
  run(program: string, args: readonly string[], options?: RunOptions): Promise<CommandResult>;
  /** Releases what the transport holds (a shared ssh connection). Idempotent. */
  close(): Promise<void>;
}

/** The channel to dom0 failed: no answer from the command at all. */
export class TransportError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "TransportError";
  }
}

/** A command's result from the bytes it wrote. */
export function decoded(
  stdout: Uint8Array,
  stderr: Uint8Array,
  exitCode: number,
  binary = false,
): CommandResult {
  const text = (b: Uint8Array) =>
    Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("utf8");
  return {
    stdout: text(stdout),
    stderr: text(stderr),
    exitCode,
    ...(binary ? { stdoutBytes: stdout } : {}),
  };
}
