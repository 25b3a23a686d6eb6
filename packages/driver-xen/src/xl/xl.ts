import { DriverInternal, HypervisorUnavailable } from "@novakit/driver-api";
import type { CommandResult, Transport } from "../transport/transport.js";
import { TransportError } from "../transport/transport.js";
import {
  isUnknownDomain,
  parseXlInfo,
  parseXlList,
  parseXlListDetails,
  type XlDomainDetails,
  type XlInfo,
  type XlListRow,
  XlOutputError,
} from "./xl-output.js";

/** xl ran and failed: its exit status and what it said on stderr. */
export class XlCommandError extends Error {
  readonly exitCode: number;
  readonly stderr: string;
  readonly args: readonly string[];
  constructor(args: readonly string[], result: CommandResult) {
    super(`xl ${args[0] ?? ""} exited ${result.exitCode}: ${lastLines(result.stderr)}`);
    this.name = "XlCommandError";
    this.exitCode = result.exitCode;
    this.stderr = result.stderr;
    this.args = args;
  }

  /** xl said the domain it was given does not exist. */
  get unknownDomain(): boolean {
    return isUnknownDomain(this.stderr);
  }
}

function lastLines(text: string): string {
  return text.trim().split("\n").slice(-3).join(" / ") || "(nothing on stderr)";
}

/**
 * The xl commands the driver uses, through a transport. xl is invoked as
 * `command[0] command[1..] <subcommand> <args>`, every argument separate.
 * A failed exit status is an XlCommandError; the transport failing is
 * HypervisorUnavailable. Exit status 0 is never taken as proof that a
 * mutating call did what it says: the driver reads the state back.
 */
export class Xl {
  readonly #transport: Transport;
  readonly #program: string;
  readonly #prefix: readonly string[];

  constructor(transport: Transport, command: readonly string[]) {
    this.#transport = transport;
    const [program, ...prefix] = command;
    if (program === undefined) throw new RangeError("the xl command is empty");
    this.#program = program;
    this.#prefix = prefix;
  }

  get transport(): Transport {
    return this.#transport;
  }

  /** The full command line of `xl <args>`, for running xl under another program (flock). */
  argv(args: readonly string[]): [string, ...string[]] {
    return [this.#program, ...this.#prefix, ...args];
  }

  /** Checks a result of `xl <args>` run some other way (under flock). */
  check(args: readonly string[], result: CommandResult): CommandResult {
    if (result.exitCode !== 0) throw new XlCommandError(args, result);
    return result;
  }

  /** Runs `xl <args>`; resolves with its output when it exits 0. */
  async run(args: readonly string[], signal?: AbortSignal): Promise<CommandResult> {
    const result = await this.#raw(args, signal);
    if (result.exitCode !== 0) throw new XlCommandError(args, result);
    return result;
  }

  async #raw(args: readonly string[], signal?: AbortSignal): Promise<CommandResult> {
    try {
      return await this.#transport.run(
        this.#program,
        [...this.#prefix, ...args],
        signal === undefined ? {} : { signal },
      );
    } catch (err) {
      if (err instanceof TransportError) {
        throw new HypervisorUnavailable(`${this.#transport.description}: ${err.message}`, {
          cause: err,
        });
      }
      throw err;
    }
  }

  /** Every domain, from plain `xl list` (the only place xl prints state flags). */
  async list(signal?: AbortSignal): Promise<XlListRow[]> {
    return parsed(() => this.run(["list"], signal).then((r) => parseXlList(r.stdout)));
  }

  /** One domain's row, or undefined when xl knows no domain of that name. */
  async row(name: string, signal?: AbortSignal): Promise<XlListRow | undefined> {
    try {
      const rows = await parsed(async () =>
        parseXlList((await this.run(["list", name], signal)).stdout),
      );
      return rows.find((r) => r.name === name);
    } catch (err) {
      if (err instanceof XlCommandError && err.unknownDomain) return undefined;
      throw err;
    }
  }

  /** One domain's details from `xl list -l`, or undefined when there is no such domain. */
  async details(name: string, signal?: AbortSignal): Promise<XlDomainDetails | undefined> {
    try {
      const all = await parsed(async () =>
        parseXlListDetails((await this.run(["list", "-l", name], signal)).stdout),
      );
      return all.find((d) => d.name === name);
    } catch (err) {
      if (err instanceof XlCommandError && err.unknownDomain) return undefined;
      throw err;
    }
  }

  async info(signal?: AbortSignal): Promise<XlInfo> {
    return parsed(async () => parseXlInfo((await this.run(["info"], signal)).stdout));
  }

  /** `xl <subcommand> <name>`, where "no such domain" is an answer, not an error: false. */
  async onDomain(subcommand: string, name: string, signal?: AbortSignal): Promise<boolean> {
    try {
      await this.run([subcommand, name], signal);
      return true;
    } catch (err) {
      if (err instanceof XlCommandError && err.unknownDomain) return false;
      throw err;
    }
  }
}

/** xl printed something of a shape never recorded from the real one: the driver's bug or a new xl. */
async function parsed<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof XlOutputError) throw new DriverInternal(err.message, { cause: err });
    throw err;
  }
}
