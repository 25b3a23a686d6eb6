// The simulator's host lock: one xl-sim at a time changes the host, as
// libxl serialises on its own locks. A directory made with mkdir (atomic),
// holding the owner's pid; an owner that died (even by SIGKILL, when no exit
// handler runs) is noticed by its pid and the lock taken over.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const sleeper = new Int32Array(new SharedArrayBuffer(4));

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === "EPERM";
  }
}

export function lock(dir) {
  const path = join(dir, "lock.d");
  const deadline = Date.now() + 30_000;
  for (let wait = 1; ; wait = Math.min(wait * 2, 20)) {
    try {
      mkdirSync(path);
      writeFileSync(join(path, "pid"), String(process.pid));
      process.on("exit", () => rmSync(path, { recursive: true, force: true }));
      return path;
    } catch (err) {
      if (err.code !== "EEXIST") throw err;
    }
    let owner = Number.NaN;
    try {
      owner = Number(readFileSync(join(path, "pid"), "utf8"));
    } catch {
      // being created or removed right now: try again
    }
    if (Number.isInteger(owner) && !alive(owner)) rmSync(path, { recursive: true, force: true });
    if (Date.now() > deadline) {
      process.stderr.write(`xl-sim: the host lock ${path} is held by pid ${owner}\n`);
      process.exit(1);
    }
    Atomics.wait(sleeper, 0, 0, wait);
  }
}
