import {
  type DriverError,
  DriverInternal,
  HypervisorUnavailable,
  InstanceNotFound,
  isDriverError,
} from "@novakit/driver-api";

// virErrorNumber values (libvirt's virterror.h) that have a contract meaning.
const NO_CONNECT = 5;
const INVALID_CONN = 6;
const SYSTEM_ERROR = 38;
const NO_DOMAIN = 42;
const RPC = 39;

/** libvirt's error, or anything else, as the contract error it means. */
export function toContractError(err: unknown, uuid?: string): DriverError {
  if (isDriverError(err)) return err;
  const e = err as { name?: string; code?: number; message?: string };
  if (e?.name === "LibvirtError") {
    if (e.code === NO_DOMAIN) return new InstanceNotFound(uuid ?? "(unknown)");
    if (
      e.code === NO_CONNECT ||
      e.code === INVALID_CONN ||
      e.code === SYSTEM_ERROR ||
      e.code === RPC
    ) {
      return new HypervisorUnavailable(e.message ?? "libvirt is unreachable", { cause: err });
    }
    if (e.code === -1 && /connection is closed/.test(e.message ?? "")) {
      return new HypervisorUnavailable(e.message ?? "connection closed", { cause: err });
    }
  }
  return new DriverInternal(`libvirt: ${e?.message ?? String(err)}`, { cause: err });
}
