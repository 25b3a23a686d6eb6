import type { PowerState } from "@novakit/driver-api";
import type { PowerLedger, QuietWindows } from "@novakit/driver-support";
import { stateOf } from "./instances.js";
import { domainName } from "./xl/domain-config.js";
import type { Xl } from "./xl/xl.js";
import type { XlListRow } from "./xl/xl-output.js";

/**
 * xl has no event stream a client can subscribe to over ssh, so changes
 * made behind the driver's back (a guest that powers itself off or
 * crashes, someone running xl by hand) are found by polling `xl list`
 * (one command per interval) and comparing each known instance's state
 * with the one last reported. Instances with an operation of the driver's
 * own in flight, or within its quiet window, are left to that operation.
 */
export class DomainPoller {
  readonly #xl: Xl;
  readonly #ledger: PowerLedger;
  readonly #windows: QuietWindows;
  readonly #onRow: (uuid: string, row: XlListRow | undefined) => void;
  readonly #onError: (err: unknown) => void;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  /** Polls done, for the benchmark. */
  polls = 0;

  constructor(options: {
    xl: Xl;
    ledger: PowerLedger;
    windows: QuietWindows;
    /** Sees every known instance's row on each poll (uptime across a guest's own reboot). */
    onRow: (uuid: string, row: XlListRow | undefined) => void;
    onError: (err: unknown) => void;
  }) {
    this.#xl = options.xl;
    this.#ledger = options.ledger;
    this.#windows = options.windows;
    this.#onRow = options.onRow;
    this.#onError = options.onError;
  }

  start(intervalMs: number): void {
    if (intervalMs <= 0 || this.#timer !== undefined) return;
    this.#timer = setInterval(() => void this.pollOnce(), intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running?.catch(() => {});
  }

  /** One poll; a poll still running when the next is due is not doubled. */
  pollOnce(): Promise<void> {
    this.#running ??= this.#poll().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #poll(): Promise<void> {
    const uuids = this.#ledger.uuids();
    if (uuids.length === 0) return;
    let rows: XlListRow[];
    try {
      rows = await this.#xl.list();
    } catch (err) {
      this.#onError(err);
      return;
    }
    this.polls += 1;
    const byName = new Map(rows.map((r) => [r.name, r]));
    for (const uuid of uuids) {
      if (this.#windows.isQuiet(uuid)) continue;
      const before = this.#ledger.get(uuid);
      if (before === undefined) continue; // destroyed while the poll ran
      const row = byName.get(domainName(uuid));
      this.#onRow(uuid, row);
      this.#ledger.reconcile(uuid, observed(before, row));
    }
  }
}

/**
 * What a poll can tell of an instance from `xl list` alone. Without a
 * domain, a suspended instance stays suspended (its image is still there;
 * only the driver removes it); any other becomes stopped.
 */
function observed(before: PowerState, row: XlListRow | undefined): PowerState {
  return stateOf(row, row === undefined && before === "suspended");
}
