import type { DriverClient } from "@novakit/driver-api";
import type { ConductorRpcClient } from "../conductor/rpcapi.js";
import type { ReconcilePolicy, ReconcileReport } from "../conductor/types.js";
import type { RequestContext } from "../rpc/message.js";

/**
 * What a starting compute agent does first: compare what its hypervisor
 * holds with what the conductor says this host should hold, and report
 * both kinds of difference. An instance still building is not expected
 * yet: its spawn may not have reached this host.
 */
export async function reconcileHost(
  host: string,
  ctx: RequestContext,
  client: DriverClient,
  conductor: ConductorRpcClient,
  policy: ReconcilePolicy,
  destroy: (uuid: string) => Promise<void>,
): Promise<ReconcileReport> {
  const [expected, actual] = await Promise.all([
    conductor.hostInstances(ctx, host),
    client.listInstances({ requestId: ctx.requestId }),
  ]);
  const expectedIds = new Set(expected.filter((i) => i.vmState !== "building").map((i) => i.uuid));
  const building = new Set(expected.filter((i) => i.vmState === "building").map((i) => i.uuid));
  const actualIds = new Set(actual.map((i) => i.uuid));
  const unknown = [...actualIds].filter((u) => !expectedIds.has(u) && !building.has(u)).sort();
  const missing = [...expectedIds].filter((u) => !actualIds.has(u)).sort();
  const found = [...actualIds].filter((u) => expectedIds.has(u)).sort();
  if (policy.unknown === "destroy") await Promise.all(unknown.map((u) => destroy(u)));
  const report: ReconcileReport = { host, unknown, missing, found, policy };
  await conductor.reportReconcile(ctx, report);
  return report;
}
