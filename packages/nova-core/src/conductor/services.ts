import { runningServices } from "../db/repos/services.js";
import type { ConductorDeps } from "./deps.js";

// Which compute hosts are up is read on every provider refresh and every
// lost claim; at 10,000 hosts that is 10,000 service rows. It is cached for
// a few seconds (a service is only down after missing heartbeats for far
// longer), and forgotten at once when a service registers or stops.
const UP_TTL_MS = 5000;
const upCache = new WeakMap<ConductorDeps, { at: number; hosts: Set<string> }>();

/** The hosts whose compute service runs, is enabled and was heard from lately. */
export async function upComputeHosts(deps: ConductorDeps): Promise<Set<string>> {
  const hit = upCache.get(deps);
  if (hit && Date.now() - hit.at < UP_TTL_MS) return hit.hosts;
  const services = await runningServices(deps.db, deps.config.serviceDownAfterMs);
  const hosts = new Set(
    services.filter((s) => s.topic === "compute" && !s.disabled).map((s) => s.host),
  );
  upCache.set(deps, { at: Date.now(), hosts });
  return hosts;
}

/** Forgets the cached up hosts: a service registered or stopped. */
export function forgetUpHosts(deps: ConductorDeps): void {
  upCache.delete(deps);
}

/** Recomputes the cluster's pins from the running services: the oldest one sets them. */
export async function recomputePins(deps: ConductorDeps): Promise<void> {
  upCache.delete(deps);
  const services = await runningServices(deps.db, deps.config.serviceDownAfterMs);
  deps.pins.update(services);
}
