import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { ClaimConflict } from "../../errors.js";
import {
  freeCapacity,
  type Inventory,
  type ResourceProvider,
} from "../../objects/resource-provider.js";
import { prepare } from "../prepared.js";
import type { Db } from "./instances.js";

// Placement's model: providers with inventories and traits, allocations
// per consumer, and a generation per provider that every change bumps. A
// claim is a compare-and-swap on that generation inside one transaction.

export interface ProviderInput {
  name: string;
  availabilityZone: string;
  hypervisorType: string;
  traits: readonly string[];
  inventories: Readonly<Record<string, Inventory>>;
}

/** Creates or updates a host's provider; bumps the generation only when something changed. */
export async function upsertProvider(
  db: Db,
  input: ProviderInput,
  now = Date.now(),
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    let row = await trx
      .selectFrom("resource_providers")
      .selectAll()
      .where("name", "=", input.name)
      .executeTakeFirst();
    if (!row) {
      row = await trx
        .insertInto("resource_providers")
        .values({
          uuid: randomUUID(),
          name: input.name,
          generation: 0,
          disabled: 0,
          availability_zone: input.availabilityZone,
          hypervisor_type: input.hypervisorType,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    }
    const id = row.id;
    const invRows = await trx
      .selectFrom("inventories")
      .selectAll()
      .where("provider_id", "=", id)
      .execute();
    const traitRows = await trx
      .selectFrom("provider_traits")
      .select("trait")
      .where("provider_id", "=", id)
      .execute();
    const sameInv =
      invRows.length === Object.keys(input.inventories).length &&
      invRows.every((r) => {
        const want = input.inventories[r.resource_class];
        return (
          want &&
          want.total === r.total &&
          want.reserved === r.reserved &&
          want.allocationRatio === r.allocation_ratio
        );
      });
    const wantTraits = [...new Set(input.traits)].sort();
    const sameTraits =
      traitRows
        .map((t) => t.trait)
        .sort()
        .join(",") === wantTraits.join(",");
    const sameRow =
      row.availability_zone === input.availabilityZone &&
      row.hypervisor_type === input.hypervisorType;
    if (sameInv && sameTraits && sameRow && row.generation > 0) return id;
    if (!sameInv) {
      await trx.deleteFrom("inventories").where("provider_id", "=", id).execute();
      const values = Object.entries(input.inventories).map(([rc, inv]) => ({
        provider_id: id,
        resource_class: rc,
        total: inv.total,
        reserved: inv.reserved,
        allocation_ratio: inv.allocationRatio,
      }));
      if (values.length > 0) await trx.insertInto("inventories").values(values).execute();
    }
    if (!sameTraits) {
      await trx.deleteFrom("provider_traits").where("provider_id", "=", id).execute();
      if (wantTraits.length > 0) {
        await trx
          .insertInto("provider_traits")
          .values(wantTraits.map((trait) => ({ provider_id: id, trait })))
          .execute();
      }
    }
    await trx
      .updateTable("resource_providers")
      .set((eb) => ({
        generation: eb("generation", "+", 1),
        availability_zone: input.availabilityZone,
        hypervisor_type: input.hypervisorType,
        updated_at: now,
      }))
      .where("id", "=", id)
      .execute();
    return id;
  });
}

/**
 * Reads providers as the scheduler needs them: everything when `ids` is
 * absent, else those. `upHosts` says which hosts' compute services are up.
 * The provider row and its usage are read together, so the usage is the one
 * of the generation returned.
 */
export async function readProviders(
  db: Db,
  upHosts: ReadonlySet<string>,
  ids?: readonly number[],
): Promise<ResourceProvider[]> {
  if (ids && ids.length === 0) return [];
  return db.transaction().execute(async (trx) => {
    let pq = trx.selectFrom("resource_providers").selectAll();
    if (ids) pq = pq.where("id", "in", ids);
    const providers = await pq.orderBy("id").execute();
    const inv = await (ids
      ? trx.selectFrom("inventories").selectAll().where("provider_id", "in", ids)
      : trx.selectFrom("inventories").selectAll()
    ).execute();
    const traits = await (ids
      ? trx.selectFrom("provider_traits").selectAll().where("provider_id", "in", ids)
      : trx.selectFrom("provider_traits").selectAll()
    ).execute();
    let uq = trx
      .selectFrom("allocations")
      .select(["provider_id", "resource_class", sql<number>`sum(used)`.as("used")])
      .groupBy(["provider_id", "resource_class"]);
    if (ids) uq = uq.where("provider_id", "in", ids);
    const usage = await uq.execute();
    let aq = trx
      .selectFrom("aggregate_hosts")
      .innerJoin("aggregates", "aggregates.id", "aggregate_hosts.aggregate_id")
      .select(["aggregate_hosts.provider_id", "aggregates.metadata"]);
    if (ids) aq = aq.where("aggregate_hosts.provider_id", "in", ids);
    const aggs = await aq.execute();
    const byId = new Map<number, ResourceProvider>();
    for (const p of providers) {
      byId.set(p.id, {
        id: p.id,
        name: p.name,
        generation: p.generation,
        disabled: p.disabled === 1,
        up: upHosts.has(p.name),
        availabilityZone: p.availability_zone,
        traits: [],
        aggregates: [],
        inventories: {},
        usage: {},
      });
    }
    for (const r of inv) {
      const p = byId.get(r.provider_id);
      if (p)
        p.inventories[r.resource_class] = {
          total: r.total,
          reserved: r.reserved,
          allocationRatio: r.allocation_ratio,
        };
    }
    for (const t of traits) byId.get(t.provider_id)?.traits.push(t.trait);
    for (const u of usage) {
      const p = byId.get(u.provider_id);
      if (p) p.usage[u.resource_class] = Number(u.used);
    }
    for (const a of aggs)
      byId.get(a.provider_id)?.aggregates.push(JSON.parse(a.metadata) as Record<string, string>);
    return [...byId.values()];
  });
}

export interface ClaimRequest {
  consumerUuid: string;
  providerId: number;
  /** The generation the scheduler's view was at. */
  generation: number;
  resources: Readonly<Record<string, number>>;
}

/**
 * Writes the allocations of one consumer on one provider inside the caller's
 * transaction: bumps the generation if it is still `generation` (else
 * ClaimConflict), then checks the capacity again under that row's lock, so
 * the database, not the scheduler's view, is the last word on overcommit.
 * Resolves with the provider's new generation.
 */
const bumpGeneration = prepare(2, (db, id: number, generation: number) =>
  db
    .updateTable("resource_providers")
    .set((eb) => ({ generation: eb("generation", "+", 1) }))
    .where("id", "=", id)
    .where("generation", "=", generation),
);

// Inventories and their usage in one statement: this is the claim's hot path.
const inventoryWithUsage = prepare(1, (db, id: number) =>
  db
    .selectFrom("inventories as i")
    .select((eb) => [
      "i.resource_class",
      "i.total",
      "i.reserved",
      "i.allocation_ratio",
      eb
        .selectFrom("allocations as a")
        .select(sql<number>`coalesce(sum(a.used), 0)`.as("s"))
        .whereRef("a.provider_id", "=", "i.provider_id")
        .whereRef("a.resource_class", "=", "i.resource_class")
        .as("used"),
    ])
    .where("i.provider_id", "=", id),
);

const insertThreeAllocations = prepare(
  5,
  (db, provider: number, consumer: string, vcpu: number, ram: number, disk: number) =>
    db.insertInto("allocations").values([
      { provider_id: provider, consumer_uuid: consumer, resource_class: "VCPU", used: vcpu },
      { provider_id: provider, consumer_uuid: consumer, resource_class: "MEMORY_MB", used: ram },
      { provider_id: provider, consumer_uuid: consumer, resource_class: "DISK_GB", used: disk },
    ]),
);

/**
 * Writes the allocations of one consumer on one provider inside the caller's
 * transaction: bumps the generation if it is still `generation` (else
 * ClaimConflict), then checks the capacity again under that row's lock, so
 * the database, not the scheduler's view, is the last word on overcommit.
 * Resolves with the provider's new generation.
 */
export async function claimInTransaction(trx: Db, claim: ClaimRequest): Promise<number> {
  const bumped = await bumpGeneration.execute(trx, claim.providerId, claim.generation);
  if (Number(bumped.numAffectedRows ?? 0) !== 1) {
    throw new ClaimConflict(claim.providerId, "generation moved");
  }
  const inv = (await inventoryWithUsage.execute(trx, claim.providerId)).rows;
  const view: ResourceProvider = {
    id: claim.providerId,
    name: "",
    generation: claim.generation,
    disabled: false,
    up: true,
    availabilityZone: "",
    traits: [],
    aggregates: [],
    inventories: Object.fromEntries(
      inv.map((r) => [
        r.resource_class,
        { total: r.total, reserved: r.reserved, allocationRatio: r.allocation_ratio },
      ]),
    ),
    usage: Object.fromEntries(inv.map((r) => [r.resource_class, Number(r.used ?? 0)])),
  };
  for (const [rc, amount] of Object.entries(claim.resources)) {
    if (amount > 0 && freeCapacity(view, rc) < amount) {
      throw new ClaimConflict(claim.providerId, `insufficient ${rc}`);
    }
  }
  const { VCPU = 0, MEMORY_MB = 0, DISK_GB = 0, ...rest } = claim.resources;
  const standard = Object.keys(rest).length === 0 && VCPU > 0 && MEMORY_MB > 0 && DISK_GB > 0;
  if (standard) {
    await insertThreeAllocations.execute(
      trx,
      claim.providerId,
      claim.consumerUuid,
      VCPU,
      MEMORY_MB,
      DISK_GB,
    );
  } else {
    const rows = Object.entries(claim.resources)
      .filter(([, amount]) => amount > 0)
      .map(([rc, used]) => ({
        provider_id: claim.providerId,
        consumer_uuid: claim.consumerUuid,
        resource_class: rc,
        used,
      }));
    if (rows.length > 0) await trx.insertInto("allocations").values(rows).execute();
  }
  return claim.generation + 1;
}

/** Removes a consumer's allocations and bumps each provider it held; resolves with those providers' ids. */
export async function releaseInTransaction(trx: Db, consumerUuid: string): Promise<number[]> {
  const held = await trx
    .selectFrom("allocations")
    .select("provider_id")
    .distinct()
    .where("consumer_uuid", "=", consumerUuid)
    .execute();
  if (held.length === 0) return [];
  const ids = held.map((h) => h.provider_id);
  await trx.deleteFrom("allocations").where("consumer_uuid", "=", consumerUuid).execute();
  await trx
    .updateTable("resource_providers")
    .set((eb) => ({ generation: eb("generation", "+", 1) }))
    .where("id", "in", ids)
    .execute();
  return ids;
}

export async function countAllocations(db: Db): Promise<{ consumers: number; rows: number }> {
  const r = await db
    .selectFrom("allocations")
    .select([
      sql<number>`count(distinct consumer_uuid)`.as("consumers"),
      sql<number>`count(*)`.as("rows"),
    ])
    .executeTakeFirstOrThrow();
  return { consumers: Number(r.consumers), rows: Number(r.rows) };
}
