import type { RequestSpec } from "../../objects/request-spec.js";
import type { ResourceProvider } from "../../objects/resource-provider.js";

/**
 * A scheduler filter: one small plugin with one question. It answers null
 * when the host may take the request, or the reason it may not, written so
 * that hosts refused for the same reason add up in one sentence
 * ("42 insufficient MEMORY_MB").
 *
 * @public
 */
export interface HostFilter {
  readonly name: string;
  filter(host: ResourceProvider, spec: RequestSpec): string | null;
}
