import { execa } from "execa";
import {
  type CommandResult,
  decoded,
  type RunOptions,
  type Transport,
  TransportError,
} from "./transport.js";

/** xl and the state directory on this machine: the driver runs in dom0. */
export class LocalTransport implements Transport {
  readonly description = "local";

  async run(
    program: string,
    args: readonly string[],
    options: RunOptions = {},
  ): Promise<CommandResult> {
    options.signal?.throwIfAborted();
    const result = await execa(program, args, {
      reject: false,
      stripFinalNewline: false,
      encoding: "buffer",
      ...(options.input === undefined ? { stdin: "ignore" } : { input: options.input }),
      ...(options.signal === undefined ? {} : { cancelSignal: options.signal }),
      env: { LC_ALL: "C" },
    });
    if (result.isCanceled) throw options.signal?.reason ?? new Error("cancelled");
    if (result.failed && result.exitCode === undefined) {
      throw new TransportError(`cannot run ${program}: ${result.shortMessage}`, { cause: result });
    }
    return decoded(result.stdout, result.stderr, result.exitCode ?? 1, options.binary);
  }

  async close(): Promise<void> {}
}
