import { CURRENT_OBJECT_VERSIONS, type ObjectVersions } from "../objects/registry.js";
import { RPC_APIS, type RpcTopic } from "./api-versions.js";
import { minVersion } from "./version.js";

/** The versions one running service speaks, as its service record says. @public */
export interface SpokenVersions {
  readonly topic: string;
  readonly rpcVersion: string;
  readonly objectVersions: ObjectVersions;
}

/** The cluster's pins: what a sender may use so that every running reader understands it. @public */
export interface PinSnapshot {
  readonly rpc: Readonly<Record<string, string>>;
  readonly objects: ObjectVersions;
}

/**
 * The cluster pins itself to the oldest running service: for each topic the
 * lowest RPC version among its servers, for each object the lowest version
 * any running service reads. When the last old service stops, recomputing
 * lifts the pin. Nova does the same with its service versions table.
 *
 * @public
 */
export class VersionPins {
  #snapshot: PinSnapshot = { rpc: {}, objects: {} };
  readonly #listeners = new Set<(pins: PinSnapshot) => void>();

  /** Recomputes the pins from the running services. */
  update(running: readonly SpokenVersions[]): PinSnapshot {
    const rpc: Record<string, string> = {};
    const objects: Record<string, string> = {};
    for (const service of running) {
      const seen = rpc[service.topic];
      rpc[service.topic] =
        seen === undefined ? service.rpcVersion : minVersion(seen, service.rpcVersion);
      for (const [name, version] of Object.entries(service.objectVersions)) {
        const o = objects[name];
        objects[name] = o === undefined ? version : minVersion(o, version);
      }
    }
    this.set({ rpc, objects });
    return this.#snapshot;
  }

  /** Takes pins computed elsewhere (a compute agent learns them from the conductor). */
  set(snapshot: PinSnapshot): void {
    this.#snapshot = snapshot;
    for (const listener of this.#listeners) listener(snapshot);
  }

  get snapshot(): PinSnapshot {
    return this.#snapshot;
  }

  /** The version a client of `topic` caps at: the pin, or this build's own when none runs yet. */
  rpcCap(topic: RpcTopic): string {
    const own = RPC_APIS[topic].current;
    const pin = this.#snapshot.rpc[topic];
    return pin === undefined ? own : minVersion(pin, own);
  }

  /** The version to send `objectName` at. */
  objectVersion(objectName: string): string {
    const own = CURRENT_OBJECT_VERSIONS[objectName];
    if (own === undefined) throw new Error(`unknown object ${objectName}`);
    const pin = this.#snapshot.objects[objectName];
    return pin === undefined ? own : minVersion(pin, own);
  }

  onChange(listener: (pins: PinSnapshot) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
