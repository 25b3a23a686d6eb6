import type { FakeDriver } from "@novakit/driver-fake";

/** The persistent fixture's drivers, by host name (see fixtures/persistent-fake). */
export function persistentFake(host: string): FakeDriver {
  const registry = (globalThis as Record<symbol, Map<string, { driver: FakeDriver }> | undefined>)[
    Symbol.for("novakit.persistentFake")
  ];
  const entry = registry?.get(host);
  if (!entry) throw new Error(`no persistent fake for ${host}`);
  return entry.driver;
}

/** Forgets every persistent fake, so tests do not see each other's hypervisors. */
export function resetPersistentFakes(): void {
  (globalThis as Record<symbol, Map<string, unknown> | undefined>)[
    Symbol.for("novakit.persistentFake")
  ]?.clear();
}

/** Drops every lifecycle event the persistent fake of `host` emits from now on, as a lossy hypervisor would. */
export function dropEvents(host: string): void {
  const registry = (
    globalThis as Record<symbol, Map<string, { relay: { current: unknown } }> | undefined>
  )[Symbol.for("novakit.persistentFake")];
  const entry = registry?.get(host);
  if (!entry) throw new Error(`no persistent fake for ${host}`);
  entry.relay.current = {
    emitEvent() {},
    logger: { debug() {}, info() {}, warn() {}, error() {} },
    contractVersion: "1.0.0",
  };
}
