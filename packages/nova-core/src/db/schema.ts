import type { Generated, Selectable } from "kysely";

// The tables, as Kysely sees them. Portable to SQLite and PostgreSQL:
// booleans are 0/1 integers, times are epoch milliseconds, JSON is text.
// Every write that needs atomicity is a compare-and-swap on a version or a
// generation column, never a read-then-write without a guard.

export interface ServicesTable {
  id: Generated<number>;
  host: string;
  /** nova-compute, nova-conductor, nova-scheduler, nova-api. */
  binary: string;
  topic: string;
  /** The RPC API version this service speaks on its topic (X.Y). */
  rpc_version: string;
  /** JSON: object name -> the newest version this service reads. */
  object_versions: string;
  /** 1 while the service runs; 0 once it stopped cleanly. */
  running: number;
  disabled: number;
  last_seen_at: number;
  created_at: number;
}

export interface ResourceProvidersTable {
  id: Generated<number>;
  uuid: string;
  /** The compute host's name; one provider per host. */
  name: string;
  /** Bumped by every change to its inventories or allocations: the claim's CAS. */
  generation: number;
  disabled: number;
  availability_zone: string;
  hypervisor_type: string;
  updated_at: number;
}

export interface InventoriesTable {
  provider_id: number;
  /** VCPU, MEMORY_MB, DISK_GB. */
  resource_class: string;
  total: number;
  reserved: number;
  allocation_ratio: number;
}

export interface ProviderTraitsTable {
  provider_id: number;
  trait: string;
}

export interface AggregatesTable {
  id: Generated<number>;
  name: string;
  /** JSON: key -> value, matched against flavor extra specs. */
  metadata: string;
}

export interface AggregateHostsTable {
  aggregate_id: number;
  provider_id: number;
}

export interface AllocationsTable {
  id: Generated<number>;
  provider_id: number;
  consumer_uuid: string;
  resource_class: string;
  used: number;
}

export interface InstancesTable {
  /** Creation order; never an identity (the UUID is). */
  id: Generated<number>;
  uuid: string;
  display_name: string;
  description: string | null;
  project_id: string;
  user_id: string;
  flavor_id: string;
  image_id: string;
  vcpus: number;
  memory_mb: number;
  root_gb: number;
  vm_state: string;
  task_state: string | null;
  power_state: string;
  /** The observation stamp of power_state: older news never overwrites newer. */
  power_stamp: number;
  host: string | null;
  availability_zone: string | null;
  server_group_id: string | null;
  /** JSON key -> value. */
  metadata: string;
  /** The request id of the action in flight, so its completion can be matched. */
  pending_request_id: string | null;
  /** 1 when a driver call timed out and the hypervisor must be read back. */
  needs_reconcile: number;
  launched_at: number | null;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
  deleted: number;
  /** Bumped by every write: the compare-and-swap guard. */
  version: number;
}

export interface InstanceFaultsTable {
  id: Generated<number>;
  instance_uuid: string;
  code: string;
  message: string;
  details: string;
  host: string | null;
  created_at: number;
}

export interface InstanceActionsTable {
  id: Generated<number>;
  instance_uuid: string;
  action: string;
  request_id: string;
  project_id: string;
  user_id: string;
  start_time: number;
  finish_time: number | null;
  /** null while running, then "Success" or "Error". */
  result: string | null;
  message: string | null;
}

export interface InstanceActionEventsTable {
  id: Generated<number>;
  action_id: number;
  event: string;
  host: string | null;
  start_time: number;
  finish_time: number | null;
  result: string | null;
  details: string | null;
}

export interface FlavorsTable {
  id: string;
  name: string;
  vcpus: number;
  memory_mb: number;
  root_gb: number;
  ephemeral_gb: number;
  /** JSON key -> value: trait:X=required|forbidden, aggregate_instance_extra_specs:K=V. */
  extra_specs: string;
  disabled: number;
}

export interface ImagesTable {
  id: string;
  name: string;
  location: string | null;
  disk_format: string | null;
  status: string;
}

export interface ServerGroupsTable {
  id: string;
  name: string;
  project_id: string;
  /** affinity | anti-affinity */
  policy: string;
  created_at: number;
}

export interface QuotaLimitsTable {
  project_id: string;
  resource: string;
  hard_limit: number;
}

/** One row per project, written inside every quota-checked transaction so they serialise. */
export interface ProjectLocksTable {
  project_id: string;
  counter: number;
}

export interface Database {
  services: ServicesTable;
  resource_providers: ResourceProvidersTable;
  inventories: InventoriesTable;
  provider_traits: ProviderTraitsTable;
  aggregates: AggregatesTable;
  aggregate_hosts: AggregateHostsTable;
  allocations: AllocationsTable;
  instances: InstancesTable;
  instance_faults: InstanceFaultsTable;
  instance_actions: InstanceActionsTable;
  instance_action_events: InstanceActionEventsTable;
  flavors: FlavorsTable;
  images: ImagesTable;
  server_groups: ServerGroupsTable;
  quota_limits: QuotaLimitsTable;
  project_locks: ProjectLocksTable;
}

export type InstanceRow = Selectable<InstancesTable>;
export type ServiceRow = Selectable<ServicesTable>;
export type FlavorRow = Selectable<FlavorsTable>;
export type ImageRow = Selectable<ImagesTable>;
export type ProviderRow = Selectable<ResourceProvidersTable>;
