import type { FakeInstance } from "./fake-instance.js";

/**
 * The fake hosts of this process, by host name, so that live migration
 * between two reference drivers moves an instance from one to the other the
 * way it would between two hypervisors.
 */
export interface FakeHost {
  readonly hostname: string;
  /** Takes in a migrated instance; rejects with the reason when it cannot. */
  acceptMigrant(instance: FakeInstance): void;
}

const hosts = new Map<string, FakeHost>();

export function registerHost(host: FakeHost): void {
  hosts.set(host.hostname, host);
}

export function unregisterHost(host: FakeHost): void {
  if (hosts.get(host.hostname) === host) hosts.delete(host.hostname);
}

/** The host a `fake://<hostname>` destination names, if it is up in this process. */
export function findHost(destination: string): FakeHost | undefined {
  const match = /^fake:\/\/([^/]+)\/?$/.exec(destination);
  return match?.[1] === undefined ? undefined : hosts.get(match[1]);
}
