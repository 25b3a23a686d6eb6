// The public surface of @novakit/driver-support. This file only re-exports.
export {
  type ConfinedFile,
  confineToDirectories,
  type FileKinds,
  isInside,
  realDirectories,
} from "./host-paths.js";
export { type InstanceRecordBase, isInstanceRecord, recordOfRequest } from "./instance-record.js";
export { emitLifecycle, PowerLedger } from "./power-ledger.js";
export { QuietWindows } from "./quiet-window.js";
export { SingleFlight, SpawnClaims } from "./single-flight.js";
