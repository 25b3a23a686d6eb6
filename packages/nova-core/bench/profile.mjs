// Optional CPU profile of a benchmark's measured phase: set NOVA_BENCH_PROFILE
// to a file name and the phase between start() and stop() is written there
// (open it in Chrome's DevTools). Costs nothing when unset.
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";

let session;

export async function startProfile() {
  if (!process.env.NOVA_BENCH_PROFILE) return;
  session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.start");
}

export async function stopProfile() {
  if (!session) return;
  const { profile } = await session.post("Profiler.stop");
  writeFileSync(process.env.NOVA_BENCH_PROFILE, JSON.stringify(profile));
  session.disconnect();
}
