// The libvirt constants a compute driver needs, with libvirt's values.

/** virDomainState. @public */
export const DomainState = {
  NoState: 0,
  Running: 1,
  Blocked: 2,
  Paused: 3,
  Shutdown: 4,
  Shutoff: 5,
  Crashed: 6,
  PmSuspended: 7,
} as const;

/** virDomainModificationImpact, for device, vCPU, memory and metadata changes. @public */
export const ModifyFlags = { Current: 0, Live: 1, Config: 2 } as const;

/** virDomainUndefineFlagsValues. @public */
export const UndefineFlags = {
  ManagedSave: 1,
  SnapshotsMetadata: 2,
  Nvram: 4,
  KeepNvram: 8,
} as const;

/** virDomainMetadataType. @public */
export const MetadataType = { Description: 0, Title: 1, Element: 2 } as const;

/** virDomainRebootFlagValues. @public */
export const RebootFlags = { Default: 0, AcpiPowerButton: 1, GuestAgent: 2 } as const;

/** virDomainXMLFlags. @public */
export const XmlFlags = { Secure: 1, Inactive: 2, UpdateCpu: 4, Migratable: 8 } as const;

/** virConnectListAllDomainsFlags (the common ones). @public */
export const ListDomainsFlags = { Active: 1, Inactive: 2, Persistent: 4, Transient: 8 } as const;

/** virErrorNumber values callers branch on (values from libvirt's virterror.h). @public */
export const ErrorNumber = {
  InternalError: 1,
  NoSupport: 3,
  NoConnect: 5,
  InvalidConn: 6,
  InvalidDomain: 7,
  InvalidArg: 8,
  OperationFailed: 9,
  XmlError: 27,
  DomainExists: 28,
  SystemError: 38,
  NoDomain: 42,
  NoNetwork: 43,
  NoStoragePool: 49,
  NoStorageVol: 50,
  OperationInvalid: 55,
  NoDomainSnapshot: 72,
  ArgumentUnsupported: 74,
  OperationUnsupported: 84,
} as const;

/** virDomainEventType: what a lifecycle event reports. @public */
export const DomainEvent = {
  Defined: 0,
  Undefined: 1,
  Started: 2,
  Suspended: 3,
  Resumed: 4,
  Stopped: 5,
  Shutdown: 6,
  PmSuspended: 7,
  Crashed: 8,
} as const;

/** virConnectCloseReason: why a connection to the hypervisor was lost. @public */
export const CloseReason = { Error: 0, Eof: 1, Keepalive: 2, Client: 3 } as const;
