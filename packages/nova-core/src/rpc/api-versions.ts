// The RPC APIs and their version histories: one table, which the servers
// check against, the clients cap at, and docs/rpc-versioning.md explains.
// A minor adds a method or an optional argument; the client of a newer
// release still sends the older form while the cluster is pinned to it.

/** @public */
export interface RpcApi {
  /** The newest version this build speaks. */
  readonly current: string;
  /** Every version, oldest first, with what it added. */
  readonly history: Readonly<Record<string, string>>;
}

/** @public */
export const RPC_APIS = {
  compute: {
    current: "1.1",
    history: {
      "1.0": "spawn_instance, terminate_instance, power_action, get_instance_info",
      "1.1": "spawn_instance takes `attempt`, which the agent records in the action's event",
    },
  },
  conductor: {
    current: "1.0",
    history: {
      "1.0":
        "build_instances, start_action (every action, delete included), get_instance, list_instances, list_actions, register_service, service_stopped, heartbeat, report_host, power_states, host_instances, report_reconcile, providers (by ids, or a page by id), claim",
    },
  },
  scheduler: {
    current: "1.0",
    history: {
      "1.0":
        "select_destination; providers_changed and providers_claimed (fanout casts from the conductor)",
    },
  },
} as const satisfies Record<string, RpcApi>;

/** @public */
export type RpcTopic = keyof typeof RPC_APIS;
