import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { shellCommand } from "./shell-quote.js";
import {
  type CommandResult,
  decoded,
  type RunOptions,
  type Transport,
  TransportError,
} from "./transport.js";

export interface SshTarget {
  readonly host: string;
  readonly port?: number;
  readonly user?: string;
  /** The private key to log in with. */
  readonly identityFile?: string;
  /** Pins dom0's host key; without it any host key is accepted (a lab on loopback only). */
  readonly knownHostsFile?: string;
  /** How long to wait for a connection, in seconds (default 10). */
  readonly connectTimeoutSeconds?: number;
}

/** ssh's own exit status when the connection, not the command, failed. */
const SSH_FAILED = 255;

/**
 * xl in a remote dom0, over ssh. One master connection is shared by every
 * command (ControlMaster): a fresh connection costs about 0.35 s in the
 * lab under QEMU, a reused one about 0.14 s. Each transport has a master of
 * its own, so one driver's `close` (which asks its master to exit) never
 * cuts another's commands; the master of a driver killed outright exits by
 * itself after ControlPersist idle seconds.
 */
export class SshTransport implements Transport {
  readonly description: string;
  readonly #target: SshTarget;
  readonly #controlPath: string;

  constructor(target: SshTarget, controlDir = join(tmpdir(), "novakit-xen-ssh")) {
    this.#target = target;
    const user = target.user ?? "root";
    const port = target.port ?? 22;
    this.description = `ssh ${user}@${target.host}:${port}`;
    mkdirSync(controlDir, { recursive: true, mode: 0o700 });
    // %C: a hash of host, port and user; with the pid and a random tag the
    // socket is this transport's own, and the path stays short enough.
    this.#controlPath = join(controlDir, `${process.pid}-${randomBytes(4).toString("hex")}-%C`);
  }

  #options(): string[] {
    const t = this.#target;
    const known = t.knownHostsFile;
    return [
      ...["-p", String(t.port ?? 22), "-l", t.user ?? "root"],
      ...(t.identityFile === undefined ? [] : ["-i", t.identityFile, "-o", "IdentitiesOnly=yes"]),
      ...["-o", "BatchMode=yes", "-o", `ConnectTimeout=${t.connectTimeoutSeconds ?? 10}`],
      ...(known === undefined
        ? ["-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null"]
        : ["-o", "StrictHostKeyChecking=yes", "-o", `UserKnownHostsFile=${known}`]),
      ...["-o", "LogLevel=ERROR", "-o", "ControlMaster=auto"],
      ...["-o", `ControlPath=${this.#controlPath}`, "-o", "ControlPersist=120"],
    ];
  }

  async run(
    program: string,
    args: readonly string[],
    options: RunOptions = {},
  ): Promise<CommandResult> {
    options.signal?.throwIfAborted();
    const remote = shellCommand(program, args);
    const result = await execa("ssh", [...this.#options(), "--", this.#target.host, remote], {
      reject: false,
      stripFinalNewline: false,
      encoding: "buffer",
      ...(options.input === undefined ? { stdin: "ignore" } : { input: options.input }),
      ...(options.signal === undefined ? {} : { cancelSignal: options.signal }),
    });
    if (result.isCanceled) throw options.signal?.reason ?? new Error("cancelled");
    if (result.exitCode === undefined || result.exitCode === SSH_FAILED) {
      const why = Buffer.from(result.stderr).toString("utf8").trim() || result.shortMessage;
      throw new TransportError(`${this.description}: ${why}`, { cause: result });
    }
    return decoded(result.stdout, result.stderr, result.exitCode, options.binary);
  }

  async close(): Promise<void> {
    await execa("ssh", [...this.#options(), "-O", "exit", this.#target.host], {
      reject: false,
      stdin: "ignore",
    });
  }
}
