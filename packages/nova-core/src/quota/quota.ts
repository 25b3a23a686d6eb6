import type { Db } from "../db/repos/instances.js";
import { projectLimits, projectUsage, type Usage } from "../db/repos/quotas.js";
import { QuotaExceeded } from "../errors.js";

/** The counted resources and their default limits; -1 is unlimited. @public */
export interface QuotaLimits {
  instances: number;
  cores: number;
  ram: number;
}

/** Nova's defaults. @public */
export const DEFAULT_QUOTAS: QuotaLimits = { instances: 10, cores: 20, ram: 51_200 };

/**
 * Checks a project's usage, counted from its instance records, plus `delta`
 * against its limits (per-project overrides over the defaults). Run inside
 * a transaction that took the project's lock, so the count is not stale.
 * Throws QuotaExceeded naming the first resource over its limit.
 *
 * @public
 */
export async function checkQuota(
  trx: Db,
  projectId: string,
  delta: Usage,
  defaults: QuotaLimits,
): Promise<void> {
  const [used, overrides] = await Promise.all([
    projectUsage(trx, projectId),
    projectLimits(trx, projectId),
  ]);
  for (const resource of ["instances", "cores", "ram"] as const) {
    const limit = overrides[resource] ?? defaults[resource];
    if (limit < 0) continue;
    if (used[resource] + delta[resource] > limit) {
      throw new QuotaExceeded(projectId, resource, limit, used[resource], delta[resource]);
    }
  }
}
