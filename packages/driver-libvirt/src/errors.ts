import {
  type DriverError,
  DriverInternal,
  HypervisorUnavailable,
  InstanceNotFound,
  isDriverError,
} from "@novakit/driver-api";

/** virErrorNumber values (libvirt's virterror.h) the driver branches on. */
export const LibvirtCode = {
  NoSupport: 3,
  NoConnect: 5,
  InvalidConn: 6,
  OperationFailed: 9,
  SystemError: 38,
  Rpc: 39,
  NoDomain: 42,
  NoStorageVol: 50,
  OperationInvalid: 55,
  ConfigUnsupported: 67,
  NoDomainSnapshot: 72,
  NoDomainMetadata: 80,
  OperationUnsupported: 84,
} as const;

/** Whether `err` is a libvirt error with one of `codes`. */
export function isLibvirtCode(err: unknown, ...codes: number[]): boolean {
  const e = err as { name?: string; code?: number };
  return e?.name === "LibvirtError" && typeof e.code === "number" && codes.includes(e.code);
}

/** libvirt's error, or anything else, as the contract error it means. */
export function toContractError(err: unknown, uuid?: string): DriverError {
  if (isDriverError(err)) return err;
  const e = err as { name?: string; code?: number; message?: string };
  if (e?.name === "LibvirtError") {
    if (e.code === LibvirtCode.NoDomain) return new InstanceNotFound(uuid ?? "(unknown)");
    if (
      e.code === LibvirtCode.NoConnect ||
      e.code === LibvirtCode.InvalidConn ||
      e.code === LibvirtCode.SystemError ||
      e.code === LibvirtCode.Rpc
    ) {
      return new HypervisorUnavailable(e.message ?? "libvirt is unreachable", { cause: err });
    }
    if (e.code === -1 && /connection is closed/.test(e.message ?? "")) {
      return new HypervisorUnavailable(e.message ?? "connection closed", { cause: err });
    }
  }
  return new DriverInternal(`libvirt: ${e?.message ?? String(err)}`, { cause: err });
}
