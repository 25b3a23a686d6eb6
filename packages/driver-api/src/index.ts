// The public surface of @novakit/driver-api. This file only re-exports.

export {
  CAPABILITIES,
  CAPABILITY_NAMES,
  type Capability,
  capabilityTraits,
  impliedCapabilities,
  isCapability,
  partitionCapabilities,
} from "./capabilities.js";
export { type DriverDefinition, defineDriver, isDriverDefinition } from "./define-driver.js";
export type {
  CallOptions,
  ComputeDriver,
  DriverHost,
  DriverLogger,
  OptionalDriverMethod,
  RequiredDriverMethod,
} from "./driver.js";
export {
  Cancelled,
  DriverError,
  type DriverErrorJSON,
  DriverInternal,
  DriverLoadError,
  ErrorCode,
  errorFromJSON,
  HypervisorUnavailable,
  ImageUnusable,
  InstanceExists,
  InstanceNotFound,
  InvalidSpec,
  InvalidState,
  isDriverError,
  ResourceExhausted,
  SnapshotNotFound,
  Timeout,
  Unsupported,
} from "./errors.js";
export { type CallContext, DriverClient, type DriverClientOptions } from "./guard/driver-client.js";
export { createDriverHost, type DriverHostOptions } from "./guard/host.js";
export { DEFAULT_TIMEOUTS_MS, type DriverOperation } from "./guard/operations.js";
export { type LoadDriverOptions, type LoadedDriver, loadDriver } from "./loader/load-driver.js";
export { POWER_STATES, type PowerState } from "./schemas/common.js";
export type {
  AttachedBlockDevice,
  AttachedInterface,
  BlockDeviceSpec,
  InterfaceSpec,
} from "./schemas/devices.js";
export type { DriverInfo } from "./schemas/driver-info.js";
export {
  LIFECYCLE_EVENT_TYPES,
  type LifecycleEvent,
  type LifecycleEventType,
} from "./schemas/events.js";
export type { HostResources, NumaCell, ResourceUsage } from "./schemas/host-resources.js";
export { type JsonSchema, type SchemaName, schemas, validate } from "./schemas/index.js";
export type { InstanceInfo, InstanceSummary } from "./schemas/instance-info.js";
export { type DriverManifest, MANIFEST_FIELD } from "./schemas/manifest.js";
export {
  type ConsoleOutput,
  type ConsoleOutputSpec,
  DEFAULT_CONSOLE_OUTPUT_BYTES,
  type MigrationSpec,
  type PowerOffSpec,
  type RebootSpec,
  type ResizeSpec,
} from "./schemas/operations.js";
export type { SnapshotInfo, SnapshotSpec } from "./schemas/snapshot.js";
export type {
  Flavor,
  ImageRef,
  NetworkRequest,
  Owner,
  SpawnRequest,
} from "./schemas/spawn-request.js";
export {
  ALLOWED_STATES,
  destroyEvent,
  eventForChange,
  POWER_STATE_AFTER_EVENT,
  POWER_TRANSITIONS,
  type PowerOperation,
  type Transition,
  transitionFor,
} from "./semantics/transitions.js";
export { compileValidator, type Validator } from "./validation.js";
export { CONTRACT_VERSION } from "./version.js";
