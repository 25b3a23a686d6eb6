// Type-level proof that each hand-written contract type and the JSON Schema
// it is validated with describe the same shape. If a field is added, renamed,
// made optional or retyped on one side only, this file stops compiling and
// `pnpm typecheck` fails.
import type { Static, TSchema } from "@sinclair/typebox";
import type * as api from "../../src/index.js";
import type { contractSchemas as schemas } from "../../src/schemas/index.js";

type Same<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Agrees<S extends TSchema, T> = Same<Static<S>, T>;
type S = typeof schemas;

const checks: {
  spawnRequest: Agrees<S["spawnRequest"], api.SpawnRequest>;
  instanceInfo: Agrees<S["instanceInfo"], api.InstanceInfo>;
  instanceList: Agrees<S["instanceList"], api.InstanceSummary[]>;
  hostResources: Agrees<S["hostResources"], api.HostResources>;
  lifecycleEvent: Agrees<S["lifecycleEvent"], api.LifecycleEvent>;
  driverInfo: Agrees<S["driverInfo"], api.DriverInfo>;
  driverManifest: Agrees<S["driverManifest"], api.DriverManifest>;
  rebootSpec: Agrees<S["rebootSpec"], api.RebootSpec>;
  powerOffSpec: Agrees<S["powerOffSpec"], api.PowerOffSpec>;
  resizeSpec: Agrees<S["resizeSpec"], api.ResizeSpec>;
  blockDeviceSpec: Agrees<S["blockDeviceSpec"], api.BlockDeviceSpec>;
  interfaceSpec: Agrees<S["interfaceSpec"], api.InterfaceSpec>;
  snapshotSpec: Agrees<S["snapshotSpec"], api.SnapshotSpec>;
  snapshotInfo: Agrees<S["snapshotInfo"], api.SnapshotInfo>;
  consoleOutputSpec: Agrees<S["consoleOutputSpec"], api.ConsoleOutputSpec>;
  consoleOutput: Agrees<S["consoleOutput"], api.ConsoleOutput>;
  migrationSpec: Agrees<S["migrationSpec"], api.MigrationSpec>;
  attachedBlockDevice: Agrees<S["attachedBlockDevice"], api.AttachedBlockDevice>;
  attachedInterface: Agrees<S["attachedInterface"], api.AttachedInterface>;
  snapshotList: Agrees<S["snapshotList"], api.SnapshotInfo[]>;
} = {
  spawnRequest: true,
  instanceInfo: true,
  instanceList: true,
  hostResources: true,
  lifecycleEvent: true,
  driverInfo: true,
  driverManifest: true,
  rebootSpec: true,
  powerOffSpec: true,
  resizeSpec: true,
  blockDeviceSpec: true,
  interfaceSpec: true,
  snapshotSpec: true,
  snapshotInfo: true,
  consoleOutputSpec: true,
  consoleOutput: true,
  migrationSpec: true,
  attachedBlockDevice: true,
  attachedInterface: true,
  snapshotList: true,
};
void checks;
