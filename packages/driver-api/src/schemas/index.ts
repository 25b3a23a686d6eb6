import { Type } from "@sinclair/typebox";
import { compileValidator, type Validator } from "../validation.js";
import {
  type AttachedBlockDevice,
  AttachedBlockDeviceSchema,
  type AttachedInterface,
  AttachedInterfaceSchema,
  type BlockDeviceSpec,
  BlockDeviceSpecSchema,
  type InterfaceSpec,
  InterfaceSpecSchema,
} from "./devices.js";
import { type DriverInfo, DriverInfoSchema } from "./driver-info.js";
import { type LifecycleEvent, LifecycleEventSchema } from "./events.js";
import { type HostResources, HostResourcesSchema } from "./host-resources.js";
import {
  type InstanceInfo,
  InstanceInfoSchema,
  InstanceListSchema,
  type InstanceSummary,
} from "./instance-info.js";
import { type DriverManifest, DriverManifestSchema } from "./manifest.js";
import {
  type ConsoleOutput,
  ConsoleOutputSchema,
  type ConsoleOutputSpec,
  ConsoleOutputSpecSchema,
  type MigrationSpec,
  MigrationSpecSchema,
  type PowerOffSpec,
  PowerOffSpecSchema,
  type RebootSpec,
  RebootSpecSchema,
  type ResizeSpec,
  ResizeSpecSchema,
} from "./operations.js";
import {
  type SnapshotInfo,
  SnapshotInfoSchema,
  type SnapshotSpec,
  SnapshotSpecSchema,
} from "./snapshot.js";
import { type SpawnRequest, SpawnRequestSchema } from "./spawn-request.js";

/** A JSON Schema document, as plain data. @public */
export type JsonSchema = Readonly<Record<string, unknown>>;

/** The contract schemas with their TypeBox types, for type-level checks inside this package. */
export const contractSchemas = {
  spawnRequest: SpawnRequestSchema,
  instanceInfo: InstanceInfoSchema,
  instanceList: InstanceListSchema,
  hostResources: HostResourcesSchema,
  lifecycleEvent: LifecycleEventSchema,
  driverInfo: DriverInfoSchema,
  driverManifest: DriverManifestSchema,
  rebootSpec: RebootSpecSchema,
  powerOffSpec: PowerOffSpecSchema,
  resizeSpec: ResizeSpecSchema,
  blockDeviceSpec: BlockDeviceSpecSchema,
  interfaceSpec: InterfaceSpecSchema,
  snapshotSpec: SnapshotSpecSchema,
  snapshotInfo: SnapshotInfoSchema,
  consoleOutputSpec: ConsoleOutputSpecSchema,
  consoleOutput: ConsoleOutputSchema,
  migrationSpec: MigrationSpecSchema,
  attachedBlockDevice: AttachedBlockDeviceSchema,
  attachedInterface: AttachedInterfaceSchema,
  snapshotList: Type.Array(SnapshotInfoSchema),
} as const;

/** The name of each contract schema. @public */
export type SchemaName =
  | "spawnRequest"
  | "instanceInfo"
  | "instanceList"
  | "hostResources"
  | "lifecycleEvent"
  | "driverInfo"
  | "driverManifest"
  | "rebootSpec"
  | "powerOffSpec"
  | "resizeSpec"
  | "blockDeviceSpec"
  | "interfaceSpec"
  | "snapshotSpec"
  | "snapshotInfo"
  | "consoleOutputSpec"
  | "consoleOutput"
  | "migrationSpec"
  | "attachedBlockDevice"
  | "attachedInterface"
  | "snapshotList";

/**
 * The JSON Schemas (draft 2020-12) of every shape that crosses the contract.
 * The TypeScript types are derived from these same objects, so the two
 * cannot drift. They are also published as files under
 * `@novakit/driver-api/schemas/<name>.json` for tools in other languages.
 *
 * @public
 */
export const schemas: { readonly [K in SchemaName]: JsonSchema } = contractSchemas;

/**
 * Compiled validators for every schema in {@link schemas}. Drivers call
 * `validate.spawnRequest.assert(request)` first thing in `spawn` to reject a
 * bad request with `InvalidSpec` before touching the hypervisor.
 *
 * @public
 */
export const validate: {
  readonly spawnRequest: Validator<SpawnRequest>;
  readonly instanceInfo: Validator<InstanceInfo>;
  readonly instanceList: Validator<InstanceSummary[]>;
  readonly hostResources: Validator<HostResources>;
  readonly lifecycleEvent: Validator<LifecycleEvent>;
  readonly driverInfo: Validator<DriverInfo>;
  readonly driverManifest: Validator<DriverManifest>;
  readonly rebootSpec: Validator<RebootSpec>;
  readonly powerOffSpec: Validator<PowerOffSpec>;
  readonly resizeSpec: Validator<ResizeSpec>;
  readonly blockDeviceSpec: Validator<BlockDeviceSpec>;
  readonly interfaceSpec: Validator<InterfaceSpec>;
  readonly snapshotSpec: Validator<SnapshotSpec>;
  readonly snapshotInfo: Validator<SnapshotInfo>;
  readonly consoleOutputSpec: Validator<ConsoleOutputSpec>;
  readonly consoleOutput: Validator<ConsoleOutput>;
  readonly migrationSpec: Validator<MigrationSpec>;
  readonly attachedBlockDevice: Validator<AttachedBlockDevice>;
  readonly attachedInterface: Validator<AttachedInterface>;
  readonly snapshotList: Validator<SnapshotInfo[]>;
} = {
  spawnRequest: compileValidator(SpawnRequestSchema),
  instanceInfo: compileValidator(InstanceInfoSchema),
  instanceList: compileValidator(InstanceListSchema),
  hostResources: compileValidator(HostResourcesSchema),
  lifecycleEvent: compileValidator(LifecycleEventSchema),
  driverInfo: compileValidator(DriverInfoSchema),
  driverManifest: compileValidator(DriverManifestSchema),
  rebootSpec: compileValidator(RebootSpecSchema),
  powerOffSpec: compileValidator(PowerOffSpecSchema),
  resizeSpec: compileValidator(ResizeSpecSchema),
  blockDeviceSpec: compileValidator(BlockDeviceSpecSchema),
  interfaceSpec: compileValidator(InterfaceSpecSchema),
  snapshotSpec: compileValidator(SnapshotSpecSchema),
  snapshotInfo: compileValidator(SnapshotInfoSchema),
  consoleOutputSpec: compileValidator(ConsoleOutputSpecSchema),
  consoleOutput: compileValidator(ConsoleOutputSchema),
  migrationSpec: compileValidator(MigrationSpecSchema),
  attachedBlockDevice: compileValidator(AttachedBlockDeviceSchema),
  attachedInterface: compileValidator(AttachedInterfaceSchema),
  snapshotList: compileValidator(Type.Array(SnapshotInfoSchema)),
} as const;
