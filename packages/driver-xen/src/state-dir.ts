import { randomBytes } from "node:crypto";
import { HypervisorUnavailable } from "@novakit/driver-api";
import type { CommandResult, Transport } from "./transport/transport.js";
import { TransportError } from "./transport/transport.js";

/**
 * The driver's state directory in dom0, where instances outlive both the
 * driver and their domains (xl keeps nothing of a domain that is not
 * running: a stopped instance is only its file here). One directory per
 * instance, named by its UUID:
 *
 *   <uuid>/domain.cfg    the instance's xl.cfg: its record (committed spawn)
 *   <uuid>/spawning.cfg  the same, while the spawn that wrote it is not done
 *   <uuid>/save          the memory image of a suspended instance
 *   <uuid>/save.part     an image being written by xl save
 *   <uuid>/lock          flock(1)'s lock: held by every xl create and restore
 *                        of the instance, and by the removal of a cut-off one
 *   .trash.<uuid>.<tag>/ an instance being destroyed
 *
 * Everything goes through the transport as plain commands (mkdir, cat, tee,
 * mv, rm, find, flock: busybox has them all), every path built here from a
 * validated UUID and fixed names.
 */
export class StateDir {
  readonly root: string;
  readonly #transport: Transport;

  constructor(transport: Transport, root: string) {
    this.#transport = transport;
    this.root = root.replace(/\/+$/, "");
  }

  dir(uuid: string): string {
    return `${this.root}/${uuid}`;
  }

  path(uuid: string, file: InstanceFile): string {
    return `${this.dir(uuid)}/${file}`;
  }

  async #run(program: string, args: string[], input?: string): Promise<CommandResult> {
    try {
      return await this.#transport.run(program, args, input === undefined ? {} : { input });
    } catch (err) {
      if (err instanceof TransportError) {
        throw new HypervisorUnavailable(`${this.#transport.description}: ${err.message}`, {
          cause: err,
        });
      }
      throw err;
    }
  }

  async #must(program: string, args: string[], input?: string): Promise<CommandResult> {
    const r = await this.#run(program, args, input);
    if (r.exitCode !== 0) {
      throw new HypervisorUnavailable(
        `state directory ${this.root}: ${program} ${args[0] ?? ""} failed (${r.exitCode}): ${r.stderr.trim()}`,
      );
    }
    return r;
  }

  /** Creates the root if needed; HypervisorUnavailable, naming it, when it cannot be. */
  async ensure(): Promise<void> {
    await this.#must("mkdir", ["-p", this.root]);
  }

  /** Claims the UUID's directory: false when it exists already (mkdir is atomic). */
  async claim(uuid: string): Promise<boolean> {
    const r = await this.#run("mkdir", [this.dir(uuid)]);
    if (r.exitCode === 0) return true;
    if (/exists/i.test(r.stderr)) return false;
    throw new HypervisorUnavailable(
      `state directory ${this.root}: mkdir failed: ${r.stderr.trim()}`,
    );
  }

  async write(uuid: string, file: InstanceFile, text: string): Promise<void> {
    await this.#must("tee", [this.path(uuid, file)], text);
  }

  /** A file's text, or undefined when it does not exist. */
  async read(uuid: string, file: InstanceFile): Promise<string | undefined> {
    const r = await this.#run("cat", [this.path(uuid, file)]);
    return r.exitCode === 0 ? r.stdout : undefined;
  }

  /** The names of the files in the instance's directory, or undefined when it has none. */
  async files(uuid: string): Promise<Set<string> | undefined> {
    const r = await this.#run("ls", ["-1a", this.dir(uuid)]);
    if (r.exitCode !== 0) return undefined;
    return new Set(r.stdout.split("\n").filter((f) => f !== "" && f !== "." && f !== ".."));
  }

  /** Whether a directory exists in dom0 (the console log directory). */
  async isDirectory(path: string): Promise<boolean> {
    return (await this.#run("test", ["-d", path])).exitCode === 0;
  }

  async rename(uuid: string, from: InstanceFile, to: InstanceFile): Promise<void> {
    await this.#must("mv", ["-f", this.path(uuid, from), this.path(uuid, to)]);
  }

  async remove(uuid: string, file: InstanceFile): Promise<void> {
    await this.#must("rm", ["-f", this.path(uuid, file)]);
  }

  /**
   * What the directory holds: the files of each instance directory, and
   * the trash directories of destroys not finished. One command.
   */
  async scan(): Promise<{ instances: Map<string, Set<string>>; trash: TrashEntry[] }> {
    const r = await this.#must("find", [this.root, "-mindepth", "1", "-maxdepth", "2"]);
    const instances = new Map<string, Set<string>>();
    const trash = new Map<string, TrashEntry>();
    for (const line of r.stdout.split("\n")) {
      if (!line.startsWith(`${this.root}/`)) continue;
      const [entry, file] = line.slice(this.root.length + 1).split("/");
      if (entry === undefined) continue;
      if (UUID.test(entry)) {
        const files = instances.get(entry) ?? new Set<string>();
        if (file !== undefined) files.add(file);
        instances.set(entry, files);
        continue;
      }
      const t = TRASH.exec(entry);
      if (t !== null) trash.set(entry, { uuid: t[1] as string, path: `${this.root}/${entry}` });
    }
    return { instances, trash: [...trash.values()] };
  }

  /**
   * Moves the instance's directory aside, atomically: from then on no
   * create can find its config, so nothing can start it again. Returns the
   * new place, or undefined when there was nothing to move.
   */
  async discard(uuid: string): Promise<TrashEntry | undefined> {
    const path = `${this.root}/.trash.${uuid}.${randomBytes(4).toString("hex")}`;
    const r = await this.#run("mv", [this.dir(uuid), path]);
    if (r.exitCode === 0) return { uuid, path };
    return undefined;
  }

  async removeTrash(entry: TrashEntry): Promise<void> {
    await this.#must("rm", ["-rf", entry.path]);
  }

  /**
   * Runs a program while holding the instance's lock (flock(1) on `lock`
   * in its directory, or in the trash directory it was moved to). xl
   * create and restore run under it, so a driver that finds a spawn cut off
   * by a kill waits for an xl that outlived its driver before it judges.
   */
  async locked(
    dir: string,
    program: string,
    args: readonly string[],
    signal?: AbortSignal,
  ): Promise<CommandResult> {
    try {
      return await this.#transport.run(
        "flock",
        // -o: the command does not inherit the lock. xl create leaves a
        // process behind (it watches the domain, and restarts it on reboot)
        // which would otherwise hold the lock as long as the domain lives.
        ["-o", `${dir}/lock`, program, ...args],
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

  /** The tail of a file, as bytes: at most `max`, and whether there was more. */
  async tail(path: string, max: number): Promise<{ bytes: Uint8Array; truncated: boolean }> {
    const r = await this.#transport.run("tail", ["-c", String(max + 1), path], { binary: true });
    const bytes = r.exitCode === 0 ? (r.stdoutBytes ?? new Uint8Array()) : new Uint8Array();
    if (bytes.length <= max) return { bytes, truncated: false };
    return { bytes: bytes.subarray(bytes.length - max), truncated: true };
  }

  /** Size and use of the file system that holds the state directory, in GiB. */
  async diskGiB(): Promise<{ total: number; used: number }> {
    const r = await this.#run("df", ["-Pk", this.root]);
    const fields = r.stdout.trim().split("\n")[1]?.split(/\s+/);
    const totalKiB = Number(fields?.[1]);
    const usedKiB = Number(fields?.[2]);
    if (r.exitCode !== 0 || !Number.isFinite(totalKiB) || !Number.isFinite(usedKiB)) {
      return { total: 0, used: 0 };
    }
    const total = Math.floor(totalKiB / 1024 / 1024);
    return { total, used: Math.min(total, Math.floor(usedKiB / 1024 / 1024)) };
  }
}

export type InstanceFile = "domain.cfg" | "domain.cfg.new" | "spawning.cfg" | "save" | "save.part";

export interface TrashEntry {
  readonly uuid: string;
  readonly path: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TRASH =
  /^\.trash\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.[0-9a-f]{8}$/;
