import {
  CAPABILITY_NAMES,
  type Capability,
  POWER_STATES,
  POWER_TRANSITIONS,
  type PowerOperation,
  type PowerState,
} from "@novakit/driver-api";

/**
 * How binding a clause is, in RFC 2119's words. A failed MUST refuses
 * certification; a failed SHOULD is a warning in the report.
 *
 * @public
 */
export type Level = "MUST" | "SHOULD";

/** The groups of the suite, in the order they run. @public */
export const GROUPS = [
  "loading",
  "host",
  "lifecycle",
  "idempotency",
  "input",
  "events",
  "concurrency",
  "hostile",
  "capabilities",
  "crash",
  "cleanup",
  "benchmark",
] as const;

/** @public */
export type Group = (typeof GROUPS)[number];

/**
 * One checkable sentence of the contract. Every test of the suite names the
 * clause it checks; reports read as "C-IDEMP-1 (MUST): … : failed".
 *
 * @public
 */
export interface Clause {
  readonly id: string;
  readonly level: Level;
  readonly group: Group;
  /** The sentence, as the contract guide states it. */
  readonly text: string;
  /** Set for clauses that apply only when the driver declares this capability. */
  readonly capability?: Capability;
  /** Where the contract guide states it. */
  readonly ref: string;
}

const GUIDE = "docs/contract/guide.md";

const fixed: Clause[] = [
  {
    id: "C-LOAD-1",
    level: "MUST",
    group: "loading",
    ref: `${GUIDE}#manifest`,
    text: "The package declares a valid novakitDriver manifest whose contract range includes this core's contract version.",
  },
  {
    id: "C-LOAD-2",
    level: "MUST",
    group: "loading",
    ref: `${GUIDE}#manifest`,
    text: "The entry point exports a definition made by defineDriver whose name and contract agree with the manifest.",
  },
  {
    id: "C-LOAD-3",
    level: "MUST",
    group: "loading",
    ref: `${GUIDE}#config`,
    text: "The driver's config schema accepts the config the driver is certified with.",
  },
  {
    id: "C-LOAD-5",
    level: "SHOULD",
    group: "loading",
    ref: `${GUIDE}#config`,
    text: "The driver's config schema rejects an unknown setting, and the error names it.",
  },
  {
    id: "C-LOAD-4",
    level: "MUST",
    group: "loading",
    ref: `${GUIDE}#init`,
    text: "init resolves with valid driver info, and every declared capability's methods are implemented.",
  },
  {
    id: "C-PKG-1",
    level: "MUST",
    group: "loading",
    ref: `${GUIDE}#manifest`,
    text: "The package takes @novakit/driver-api as a peer dependency only, resolves the core's copy of it, and bundles none of its own.",
  },
  {
    id: "C-HOST-1",
    level: "MUST",
    group: "host",
    ref: `${GUIDE}#host-resources`,
    text: "getHostResources reports positive totals and used amounts that never exceed them.",
  },
  {
    id: "C-HOST-2",
    level: "MUST",
    group: "host",
    ref: `${GUIDE}#host-resources`,
    text: "Totals and the hypervisor's identity are stable between calls.",
  },
  {
    id: "C-HOST-3",
    level: "MUST",
    group: "host",
    ref: `${GUIDE}#host-resources`,
    text: "Used vCPUs and memory grow by exactly the flavor's amounts when an instance is spawned (capped at the total) and return to what they were when it is destroyed.",
  },
  {
    id: "C-SPAWN-1",
    level: "MUST",
    group: "lifecycle",
    ref: `${GUIDE}#spawn`,
    text: "spawn resolves with the instance running, with the requested vCPUs, memory, name and metadata.",
  },
  {
    id: "C-SPAWN-2",
    level: "MUST",
    group: "lifecycle",
    ref: `${GUIDE}#spawn`,
    text: "listInstances and getInstanceInfo agree with each other on every instance and its power state.",
  },
  {
    id: "C-SPAWN-3",
    level: "MUST",
    group: "lifecycle",
    ref: `${GUIDE}#spawn`,
    text: "spawn resolves only once the instance is running and its started event has been emitted.",
  },
  {
    id: "C-DESTROY-1",
    level: "MUST",
    group: "lifecycle",
    ref: `${GUIDE}#destroy`,
    text: "destroy from any reachable power state removes the instance: it is no longer listed and getInstanceInfo rejects with InstanceNotFound.",
  },
  {
    id: "C-IDEMP-1",
    level: "MUST",
    group: "idempotency",
    ref: `${GUIDE}#idempotency`,
    text: "Destroying an instance twice resolves both times.",
  },
  {
    id: "C-IDEMP-2",
    level: "MUST",
    group: "idempotency",
    ref: `${GUIDE}#idempotency`,
    text: "Destroying an instance that never existed resolves.",
  },
  {
    id: "C-IDEMP-3",
    level: "MUST",
    group: "idempotency",
    ref: `${GUIDE}#idempotency`,
    text: "Spawning a UUID that exists rejects with InstanceExists and leaves the existing instance unchanged.",
  },
  {
    id: "C-IDEMP-4",
    level: "SHOULD",
    group: "idempotency",
    ref: `${GUIDE}#idempotency`,
    text: "A UUID can be spawned again after its instance was destroyed.",
  },
  {
    id: "C-INPUT-1",
    level: "MUST",
    group: "input",
    ref: `${GUIDE}#validation`,
    text: "A spawn request with a bad field rejects with InvalidSpec whose path names that field, and creates nothing.",
  },
  {
    id: "C-INPUT-2",
    level: "MUST",
    group: "input",
    ref: `${GUIDE}#errors`,
    text: "Every per-instance operation on an unknown UUID rejects with InstanceNotFound.",
  },
  {
    id: "C-EVENT-1",
    level: "MUST",
    group: "events",
    ref: `${GUIDE}#events`,
    text: "A sequence of operations emits exactly the matching lifecycle events, in order, each within the bound.",
  },
  {
    id: "C-EVENT-2",
    level: "MUST",
    group: "events",
    ref: `${GUIDE}#events`,
    text: "Every emitted event is valid: a known type, the instance's UUID, the power state after the change, a timestamp.",
  },
  {
    id: "C-EVENT-6",
    level: "MUST",
    group: "events",
    ref: `${GUIDE}#events`,
    text: "When an event is delivered, getInstanceInfo already shows the power state it announces.",
  },
  {
    id: "C-CONC-1",
    level: "MUST",
    group: "concurrency",
    ref: `${GUIDE}#concurrency`,
    text: "Many spawns on different UUIDs in parallel all succeed, and each instance keeps its own name, metadata and size.",
  },
  {
    id: "C-CONC-2",
    level: "MUST",
    group: "concurrency",
    ref: `${GUIDE}#concurrency`,
    text: "Many destroys in parallel remove every instance and leave nothing behind.",
  },
  {
    id: "C-CONC-3",
    level: "MUST",
    group: "concurrency",
    ref: `${GUIDE}#concurrency`,
    text: "Of two concurrent spawns of one UUID exactly one succeeds; the other rejects with InstanceExists.",
  },
  {
    id: "C-CONC-5",
    level: "MUST",
    group: "concurrency",
    ref: `${GUIDE}#concurrency`,
    text: "Two concurrent destroys of one instance both resolve, and the instance is gone.",
  },
  {
    id: "C-CRASH-1",
    level: "MUST",
    group: "crash",
    ref: `${GUIDE}#crashes`,
    text: "A driver process killed while it spawns leaves nothing a restarted driver cannot clean up: each cut-off instance is listed and destroyable, or absent and spawnable again.",
  },
  {
    id: "C-HOSTILE-1",
    level: "MUST",
    group: "hostile",
    ref: `${GUIDE}#identity`,
    text: "Instance names round-trip byte for byte, whatever characters (but NUL) they hold.",
  },
  {
    id: "C-HOSTILE-2",
    level: "MUST",
    group: "hostile",
    ref: `${GUIDE}#identity`,
    text: "Metadata keys and values round-trip byte for byte, whatever characters (but NUL) they hold.",
  },
  {
    id: "C-HOSTILE-3",
    level: "MUST",
    group: "hostile",
    ref: `${GUIDE}#identity`,
    text: "A hostile name or metadata changes nothing else on the hypervisor: the instance's size, devices and other metadata, and other instances, stay as they were.",
  },
  {
    id: "C-CLEAN-1",
    level: "MUST",
    group: "cleanup",
    ref: "docs/conformance.md#cleanup",
    text: "Nothing the suite created remains on the hypervisor after its tests, including failed ones.",
  },
  {
    id: "C-BENCH-1",
    level: "SHOULD",
    group: "benchmark",
    ref: "docs/conformance.md#benchmark",
    text: "Latency and throughput of spawn, destroy, reboot and a power cycle are measured (informational).",
  },
];

/** The id of the table row for `operation` from `state`, as the contract guide names it. @public */
export function transitionClauseId(operation: PowerOperation, state: PowerState): string {
  return `T-${operation}-${state}`;
}

const transitions: Clause[] = (Object.keys(POWER_TRANSITIONS) as PowerOperation[]).flatMap(
  (operation) =>
    POWER_STATES.map((state): Clause => {
      const t = POWER_TRANSITIONS[operation][state];
      const outcome =
        t.kind === "invalid"
          ? "rejects with InvalidState and changes nothing"
          : t.kind === "noop"
            ? "resolves, changes nothing and emits no event"
            : `leaves the instance ${t.to}${t.event ? ` and emits "${t.event}"` : " and emits no event"}`;
      return {
        id: transitionClauseId(operation, state),
        level: "MUST",
        group: "lifecycle",
        ref: `${GUIDE}#power-state-table`,
        text: `${operation} from ${state} ${outcome}.`,
      };
    }),
);

const capabilityText: Record<Capability, string> = {
  "block-device":
    "attachBlockDevice shows the device in the instance's info (again for the same id, idempotently); detachBlockDevice removes it and resolves when repeated.",
  "network-interface":
    "attachInterface shows the interface with a MAC address (again for the same id, idempotently); detachInterface removes it and resolves when repeated.",
  snapshot:
    "createSnapshot is listed; revertToSnapshot restores the snapshot's power state and size; deleteSnapshot removes it and resolves when repeated.",
  "console-output":
    "getConsoleOutput returns the guest's output, at most maxBytes of it, flagging truncation.",
  resize:
    "resize changes a stopped instance's vCPUs and memory, and rejects with InvalidState while it runs.",
  "live-migration": "migrateLive moves a running instance to another host.",
  suspend:
    "suspend saves a running instance to disk (suspended) and resume restores it (running); every driver for 1.0 has it.",
};

const capabilities: Clause[] = CAPABILITY_NAMES.flatMap((capability): Clause[] => [
  {
    id: `C-CAP-${capability}`,
    level: "MUST",
    group: "capabilities",
    capability,
    ref: `${GUIDE}#capabilities`,
    text: capabilityText[capability],
  },
  {
    id: `C-UNSUP-${capability}`,
    level: "MUST",
    group: "capabilities",
    ref: `${GUIDE}#capabilities`,
    text: `Without the "${capability}" capability declared, each of its methods rejects with Unsupported.`,
  },
]);

/** Every clause the suite checks, in the order the report lists them. @public */
export const CLAUSES: readonly Clause[] = [...fixed, ...transitions, ...capabilities];

const byId = new Map(CLAUSES.map((c) => [c.id, c]));

/** The clause with this id; throws for an unknown id, which is a bug in the suite. @public */
export function clause(id: string): Clause {
  const found = byId.get(id);
  if (found === undefined) throw new Error(`unknown clause ${id}`);
  return found;
}
