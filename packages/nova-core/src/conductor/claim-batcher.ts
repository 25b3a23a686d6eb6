import { CompiledQuery } from "kysely";
import { claimHostFor, getInstance } from "../db/repos/instances.js";
import { claimInTransaction } from "../db/repos/placement.js";
import { InstanceConflict } from "../errors.js";
import type { ConductorDeps } from "./deps.js";

/** One claim as the scheduler sends it, with the host its provider is. */
export interface ClaimWork {
  readonly instanceUuid: string;
  readonly providerId: number;
  readonly host: string;
  readonly generation: number;
  readonly resources: Readonly<Record<string, number>>;
  /** The late check of the instance's server group, when it has one. */
  readonly checkGroup: (trx: ConductorDeps["db"], groupId: string, uuid: string) => Promise<void>;
}

interface Pending {
  readonly work: ClaimWork;
  readonly resolve: (generation: number) => void;
  readonly reject: (err: unknown) => void;
}

const MAX_BATCH = 256;
// The same three statements on SQLite and PostgreSQL, compiled once.
const SAVEPOINT = CompiledQuery.raw("savepoint claim_batch");
const RELEASE = CompiledQuery.raw("release savepoint claim_batch");
const ROLLBACK_TO = CompiledQuery.raw("rollback to savepoint claim_batch");

/**
 * Group commit for claims. Claims that arrive while a batch is being
 * written wait and go together in the next transaction, each inside its own
 * savepoint: a claim that loses (its generation moved, the capacity is
 * gone, the instance was deleted) rolls back to its savepoint alone, and
 * the others still commit. The semantics are those of one transaction per
 * claim, applied in arrival order; the commit, the costliest step on
 * SQLite, is paid once per batch instead of once per claim.
 */
/** A committed claim, as other schedulers need to hear of it. */
export interface ClaimDelta {
  readonly providerId: number;
  /** The provider's generation after the claim. */
  readonly generation: number;
  readonly resources: Readonly<Record<string, number>>;
}

export class ClaimBatcher {
  readonly #deps: ConductorDeps;
  readonly #onCommitted: (deltas: readonly ClaimDelta[]) => void;
  #queue: Pending[] = [];
  #running = false;
  /** Batches written and claims in them, for benchmarks. */
  readonly stats = { batches: 0, claims: 0 };

  /** `onCommitted` hears of every batch's successful claims once they are durable. */
  constructor(deps: ConductorDeps, onCommitted: (deltas: readonly ClaimDelta[]) => void) {
    this.#deps = deps;
    this.#onCommitted = onCommitted;
  }

  /** Resolves with the provider's new generation, or rejects with the claim's own conflict. */
  submit(work: ClaimWork): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ work, resolve, reject });
      if (!this.#running) {
        this.#running = true;
        // The next turn of the event loop, not a microtask: claims sent in
        // this turn join the first batch instead of waiting for the second.
        setImmediate(() => void this.#drain());
      }
    });
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue.splice(0, MAX_BATCH);
        this.stats.batches += 1;
        this.stats.claims += batch.length;
        const outcomes: ((() => void) | undefined)[] = [];
        const deltas: ClaimDelta[] = [];
        try {
          await this.#deps.db.transaction().execute(async (trx) => {
            for (const [i, p] of batch.entries()) {
              await trx.executeQuery(SAVEPOINT);
              try {
                const generation = await this.#claimOne(trx, p.work);
                await trx.executeQuery(RELEASE);
                outcomes[i] = () => p.resolve(generation);
                deltas.push({
                  providerId: p.work.providerId,
                  generation,
                  resources: p.work.resources,
                });
              } catch (err) {
                await trx.executeQuery(ROLLBACK_TO);
                await trx.executeQuery(RELEASE);
                outcomes[i] = () => p.reject(err);
              }
            }
          });
          // Only once committed: a claim is not made until it is durable.
          for (const settle of outcomes) settle?.();
          if (deltas.length > 0) this.#onCommitted(deltas);
        } catch (err) {
          for (const p of batch) p.reject(err);
        }
      }
    } finally {
      this.#running = false;
    }
  }

  async #claimOne(trx: ConductorDeps["db"], w: ClaimWork): Promise<number> {
    // The instance first, by its states alone: is it still waiting for a host?
    const row = await claimHostFor(trx, w.instanceUuid, w.host);
    if (!row) {
      const now = await getInstance(trx, w.instanceUuid);
      throw new InstanceConflict(
        w.instanceUuid,
        "schedule",
        now?.vm_state ?? "deleted",
        now?.task_state ?? null,
      );
    }
    if (row.server_group_id !== null) await w.checkGroup(trx, row.server_group_id, row.uuid);
    return claimInTransaction(trx, {
      consumerUuid: w.instanceUuid,
      providerId: w.providerId,
      generation: w.generation,
      resources: w.resources,
    });
  }
}
