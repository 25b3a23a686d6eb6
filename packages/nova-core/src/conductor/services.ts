import { runningServices } from "../db/repos/services.js";
import type { ConductorDeps } from "./deps.js";

/** The hosts whose compute service runs, is enabled and was heard from lately. */
export async function upComputeHosts(deps: ConductorDeps): Promise<Set<string>> {
  const services = await runningServices(deps.db, deps.config.serviceDownAfterMs);
  return new Set(services.filter((s) => s.topic === "compute" && !s.disabled).map((s) => s.host));
}

/** Recomputes the cluster's pins from the running services: the oldest one sets them. */
export async function recomputePins(deps: ConductorDeps): Promise<void> {
  const services = await runningServices(deps.db, deps.config.serviceDownAfterMs);
  deps.pins.update(services);
}
