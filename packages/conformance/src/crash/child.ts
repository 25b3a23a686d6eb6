// The driver process the crash clause (C-CRASH-1) kills: it loads the driver
// as the core would, spawns the requests it is given a few at a time, and
// says on stdout which spawn it starts and which resolved. It kills itself
// with SIGKILL once `killAfter` spawns have ended and a further fraction
// (`killDelay`) of a spawn's time has passed: deciding here, not in the
// suite, keeps the moment of the kill independent of how late the suite
// reads this process's output. One JSON argument: { driver, config,
// fromDir, requests, concurrency, killAfter, killDelay }.
import { loadDriver, type SpawnRequest } from "@novakit/driver-api";

interface CrashChildInput {
  driver: string;
  config: unknown;
  fromDir: string;
  requests: SpawnRequest[];
  concurrency: number;
  killAfter: number;
  /** 0..1: how far into the next spawns' run, as a fraction of the longest spawn so far. */
  killDelay: number;
}

const die = (): void => {
  process.kill(process.pid, "SIGKILL");
};

const input = JSON.parse(process.argv[2] ?? "{}") as CrashChildInput;
const { client } = await loadDriver(input.driver, input.config, { fromDir: input.fromDir });
await client.init();
process.stdout.write("ready\n");
const queue = [...input.requests];
let settled = 0;
let longestMs = 0;
const worker = async (): Promise<void> => {
  for (let request = queue.shift(); request !== undefined; request = queue.shift()) {
    process.stdout.write(`attempt ${request.uuid}\n`);
    const started = performance.now();
    await client.spawn(request).then(
      () => process.stdout.write(`resolved ${request.uuid}\n`),
      (err: unknown) => process.stdout.write(`rejected ${request.uuid} ${String(err)}\n`),
    );
    longestMs = Math.max(longestMs, performance.now() - started);
    settled += 1;
    if (settled === input.killAfter) setTimeout(die, input.killDelay * longestMs);
  }
};
await Promise.all(Array.from({ length: Math.max(1, input.concurrency) }, worker));
die(); // every spawn ended before the planned moment: killed now
