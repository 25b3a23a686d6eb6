import type { RequestSpec } from "../../objects/request-spec.js";
import type { ResourceProvider } from "../../objects/resource-provider.js";

/** A filter's check of one host: null when the host may take the request, else why not. @public */
export type HostCheck = (host: ResourceProvider) => string | null;

/**
 * A scheduler filter: one small plugin with one question. Its answer is
 * null when the host may take the request, or the reason it may not,
 * written so that hosts refused for the same reason add up in one sentence
 * ("42 insufficient MEMORY_MB").
 *
 * `prepare` runs once per request (kube-scheduler's PreFilter): it returns
 * the check specialised for that request, or null when the filter cannot
 * refuse any host for it (no zone asked for, no group), so the scheduler's
 * walk over thousands of hosts does only the work that can matter.
 *
 * @public
 */
export interface HostFilter {
  readonly name: string;
  prepare(spec: RequestSpec): HostCheck | null;
}
