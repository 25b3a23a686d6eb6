import type { Stats } from "node:fs";
import { realpath, stat } from "node:fs/promises";
import { isAbsolute, join, sep } from "node:path";
import { InvalidSpec } from "@novakit/driver-api";

// Every host file a request can name (an image, a volume) is confined to a
// directory the operator configured. A request's path is only a name for a
// file there: it is resolved to its real path (every symlink followed), the
// real path must lie inside the real path of a configured directory, and
// the file must be of a kind the driver hands to the hypervisor. The real
// path is what goes into libvirt's XML, so a link swapped later cannot
// redirect the guest. Requests reach here from a tenant through the core.

/** A file a request named, as found inside a configured directory. */
export interface ConfinedFile {
  /** The real path: every link resolved. */
  readonly path: string;
  readonly stats: Stats;
}

/** What kinds of file may be handed to the hypervisor. */
export type FileKinds = "regular" | "regular-or-block";

/** A file name without a directory: what a relative name may be. Anything else could walk out. */
const PLAIN_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/;

/**
 * Resolves `requested` (an absolute path, or a plain file name inside the
 * first directory) to a real file inside one of `directories`, or refuses
 * it with InvalidSpec at `pointer`, naming the allowed directories.
 * `directories` are real paths already (see realDirectories).
 */
export async function confineToDirectories(
  requested: string,
  directories: readonly string[],
  pointer: string,
  what: string,
  kinds: FileKinds,
): Promise<ConfinedFile> {
  const allowed = directories.length === 0 ? "none is configured" : directories.join(", ");
  if ([...requested].some((c) => c.charCodeAt(0) < 0x20 || c === "\u007f")) {
    throw new InvalidSpec(pointer, `${what}: a path holds no control characters`);
  }
  let candidate: string;
  if (isAbsolute(requested)) {
    candidate = requested;
  } else if (PLAIN_NAME.test(requested)) {
    const first = directories[0];
    if (first === undefined) {
      throw new InvalidSpec(
        pointer,
        `${what} "${requested}": no directory is configured to find it in`,
      );
    }
    candidate = join(first, requested);
  } else {
    throw new InvalidSpec(
      pointer,
      `${what} "${requested}" is neither an absolute path nor a plain file name (letters, digits, ".", "_", "-")`,
    );
  }
  if (directories.length === 0) {
    throw new InvalidSpec(pointer, `${what} ${requested}: no directory is configured for it`);
  }
  let real: string;
  try {
    real = await realpath(candidate);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT" || code === "ENOTDIR" ? "no such file" : `cannot resolve it (${code})`;
    throw new InvalidSpec(pointer, `${what} ${requested}: ${why}`);
  }
  if (!directories.some((dir) => isInside(real, dir))) {
    throw new InvalidSpec(
      pointer,
      `${what} ${requested} is outside the directories this host allows (${allowed})${real === candidate ? "" : `: it resolves to ${real}`}`,
    );
  }
  const stats = await stat(real).catch((err: NodeJS.ErrnoException) => {
    throw new InvalidSpec(pointer, `${what} ${requested}: cannot read it (${err.code})`);
  });
  const ok = stats.isFile() || (kinds === "regular-or-block" && stats.isBlockDevice());
  if (!ok) {
    throw new InvalidSpec(
      pointer,
      `${what} ${requested} is ${describeKind(stats)}, not ${kinds === "regular" ? "a regular file" : "a regular file or a block device"}`,
    );
  }
  return { path: real, stats };
}

/** Real paths of the configured directories, resolved once (a configured link is the operator's choice). */
export async function realDirectories(
  directories: readonly string[],
  setting: string,
): Promise<string[]> {
  return Promise.all(
    directories.map(async (dir, i) => {
      try {
        const real = await realpath(dir);
        if (!(await stat(real)).isDirectory())
          throw Object.assign(new Error(), { code: "ENOTDIR" });
        return real;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        throw new InvalidSpec(
          directories.length > 1 ? `/${setting}/${i}` : `/${setting}`,
          `${dir} is not a directory on this host (${code ?? String(err)}); create it or fix the setting`,
        );
      }
    }),
  );
}

/** Whether the real path `path` lies strictly inside the real directory `dir`. */
export function isInside(path: string, dir: string): boolean {
  const prefix = dir.endsWith(sep) ? dir : dir + sep;
  return path.startsWith(prefix) && path.length > prefix.length;
}

function describeKind(stats: Stats): string {
  if (stats.isDirectory()) return "a directory";
  if (stats.isBlockDevice()) return "a block device";
  if (stats.isCharacterDevice()) return "a character device";
  if (stats.isFIFO()) return "a FIFO";
  if (stats.isSocket()) return "a socket";
  return "not a regular file";
}
