import { InstanceNotFound, type PowerState } from "@novakit/driver-api";
import type { StateDir } from "./state-dir.js";
import { type DomainConfig, domainName, parseDomainConfig } from "./xl/domain-config.js";
import type { Xl } from "./xl/xl.js";
import { powerStateOfFlags, type XlListRow } from "./xl/xl-output.js";

/** An instance as read now: its record, its domain (if it has one) and its power state. */
export interface InstanceView {
  readonly uuid: string;
  readonly config: DomainConfig;
  readonly row: XlListRow | undefined;
  readonly state: PowerState;
}

/**
 * The power state of an instance from what dom0 holds: its domain's flags
 * while it has one; without one, suspended when a save image is there and
 * stopped otherwise (our domains power off to nothing).
 */
export function stateOf(row: XlListRow | undefined, hasSaveImage: boolean): PowerState {
  if (row !== undefined) return powerStateOfFlags(row.state);
  return hasSaveImage ? "suspended" : "stopped";
}

/**
 * Reads instances from the state directory and xl. An instance is a
 * directory with a committed domain.cfg that parses as a record novakit
 * wrote for that UUID; nothing else is one, whatever domains xl lists.
 * Records change only through this driver, so each is read once and kept.
 */
export class Instances {
  readonly #state: StateDir;
  readonly #xl: Xl;
  readonly #records = new Map<string, DomainConfig>();

  constructor(state: StateDir, xl: Xl) {
    this.#state = state;
    this.#xl = xl;
  }

  /** The record of `uuid`, read (and kept) if not known; undefined when it is not an instance. */
  async record(uuid: string, files?: Set<string>): Promise<DomainConfig | undefined> {
    const kept = this.#records.get(uuid);
    if (kept !== undefined) return kept;
    if (files !== undefined && !files.has("domain.cfg")) return undefined;
    const text = await this.#state.read(uuid, "domain.cfg");
    if (text === undefined) return undefined;
    const config = parseDomainConfig(uuid, text);
    if (config !== undefined) this.#records.set(uuid, config);
    return config;
  }

  remember(config: DomainConfig): void {
    this.#records.set(config.uuid, config);
  }

  forget(uuid: string): void {
    this.#records.delete(uuid);
  }

  /** One instance, read fresh from dom0; InstanceNotFound when there is none. */
  async view(uuid: string, signal?: AbortSignal): Promise<InstanceView> {
    const [files, row] = await Promise.all([
      this.#state.files(uuid),
      this.#xl.row(domainName(uuid), signal),
    ]);
    const config = files === undefined ? undefined : await this.record(uuid, files);
    if (files === undefined || config === undefined) throw new InstanceNotFound(uuid);
    return { uuid, config, row, state: stateOf(row, files.has("save")) };
  }

  /** Every instance, with its state: one scan of the state directory and one `xl list`. */
  async all(signal?: AbortSignal): Promise<InstanceView[]> {
    const [{ instances }, rows] = await Promise.all([this.#state.scan(), this.#xl.list(signal)]);
    const byName = new Map(rows.map((r) => [r.name, r]));
    const views = await Promise.all(
      [...instances].map(async ([uuid, files]) => {
        const config = await this.record(uuid, files);
        if (config === undefined) return undefined;
        const row = byName.get(domainName(uuid));
        return { uuid, config, row, state: stateOf(row, files.has("save")) };
      }),
    );
    return views.filter((v) => v !== undefined);
  }
}
