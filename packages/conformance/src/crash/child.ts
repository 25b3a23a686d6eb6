// The driver process the crash clause (C-CRASH-1) kills: it loads the driver
// as the core would, spawns the requests it is given a few at a time, and
// says on stdout which spawn it starts and which resolved, until the suite
// kills it with SIGKILL. One JSON argument: { driver, config, fromDir,
// requests, concurrency }.
import { loadDriver, type SpawnRequest } from "@novakit/driver-api";

interface CrashChildInput {
  driver: string;
  config: unknown;
  fromDir: string;
  requests: SpawnRequest[];
  concurrency: number;
}

const input = JSON.parse(process.argv[2] ?? "{}") as CrashChildInput;
const { client } = await loadDriver(input.driver, input.config, { fromDir: input.fromDir });
await client.init();
process.stdout.write("ready\n");
const queue = [...input.requests];
const worker = async (): Promise<void> => {
  for (let request = queue.shift(); request !== undefined; request = queue.shift()) {
    process.stdout.write(`attempt ${request.uuid}\n`);
    await client.spawn(request).then(
      () => process.stdout.write(`resolved ${request.uuid}\n`),
      (err: unknown) => process.stdout.write(`rejected ${request.uuid} ${String(err)}\n`),
    );
  }
};
await Promise.all(Array.from({ length: Math.max(1, input.concurrency) }, worker));
process.stdout.write("done\n");
// Stays alive: the suite decides when this process dies.
setInterval(() => {}, 60_000);
