// The public surface of @novakit/nova-core. This file only re-exports.

export {
  type Cloud,
  type CloudAdmin,
  type CloudConfig,
  createCloud,
  openDatabase,
} from "./cloud.js";
export { ComputeAgent } from "./compute/agent.js";
export type { ComputeAgentConfig } from "./compute/config.js";
export { type ComputeResult, ComputeRpcClient } from "./compute/rpcapi.js";
export type { ConductorConfig } from "./conductor/deps.js";
export { Conductor } from "./conductor/manager.js";
export {
  type InstanceNotification,
  NOTIFICATION_SUBJECT,
  type Notification,
  type ReconcileNotification,
} from "./conductor/notifier.js";
export { ConductorRpcClient } from "./conductor/rpcapi.js";
export type {
  CreateInstanceRequest,
  PowerObservation,
  ReconcilePolicy,
  ReconcileReport,
} from "./conductor/types.js";
export type { DatabaseConfig, DbEngine, EngineKind } from "./db/engine.js";
export { LATEST_MIGRATION, migrateTo, migrateToLatest } from "./db/migrate.js";
export { openPostgres, postgresCpuSeconds } from "./db/postgres-engine.js";
export type { Database } from "./db/schema.js";
export { openSqlite } from "./db/sqlite-engine.js";
export * from "./errors.js";
export {
  defineObject,
  type FieldDef,
  type FieldType,
  fingerprint,
  fromPrimitive,
  type ObjectDef,
  type ObjectPrimitive,
  toPrimitive,
} from "./objects/base.js";
export { type HostReport, HostReportObject } from "./objects/host-report.js";
export {
  type Instance,
  type InstanceFlavor,
  type InstanceImage,
  InstanceObject,
} from "./objects/instance.js";
export type { ActionView } from "./objects/instance-action.js";
export { CURRENT_OBJECT_VERSIONS, OBJECTS, type ObjectVersions } from "./objects/registry.js";
export {
  type RequestSpec,
  RequestSpecObject,
  type ResourceAmounts,
  type Selection,
  SelectionObject,
} from "./objects/request-spec.js";
export {
  freeCapacity,
  type Inventory,
  type ResourceProvider,
  ResourceProviderObject,
} from "./objects/resource-provider.js";
export { PeriodicTask, type PeriodicTaskStats } from "./periodic/periodic-task.js";
export { checkQuota, DEFAULT_QUOTAS, type QuotaLimits } from "./quota/quota.js";
export { RPC_APIS, type RpcApi, type RpcTopic } from "./rpc/api-versions.js";
export { RpcClient, type RpcClientOptions, type RpcTarget } from "./rpc/client.js";
export { InProcessBus } from "./rpc/in-process-bus.js";
export { type RequestContext, type RpcMessage, type RpcReply, subjects } from "./rpc/message.js";
export { NatsTransport, openNats } from "./rpc/nats-transport.js";
export { type PinSnapshot, type SpokenVersions, VersionPins } from "./rpc/pins.js";
export { type RpcMethod, RpcServer, type RpcServerOptions } from "./rpc/server.js";
export type { PayloadHandler, ServeOptions, Subscription, Transport } from "./rpc/transport.js";
export { compareVersions, isCompatible, minVersion, parseVersion } from "./rpc/version.js";
export * from "./scheduler/filters/builtin.js";
export type { HostCheck, HostFilter } from "./scheduler/filters/filter.js";
export { SchedulerRpcClient } from "./scheduler/rpcapi.js";
export { Scheduler, type SchedulerConfig } from "./scheduler/scheduler.js";
export {
  type HostWeigher,
  type PlacementStrategy,
  prepareWeighers,
  weighersFor,
} from "./scheduler/weighers.js";
export { type Caller, ComputeService } from "./service/compute-service.js";
export { NotificationListener } from "./service/notifications.js";
export { checkCreateRequest, checkText, checkUuid } from "./service/validation.js";
export * from "./state/instance-states.js";
