import semver from "semver";

/**
 * The closed set of optional capabilities a driver may declare. Each one
 * unlocks a group of optional methods and maps to a scheduler trait, named
 * after Nova's os-traits (`COMPUTE_*`).
 *
 * A capability added in a 1.x release is new optional surface: drivers built
 * before it never declare it, so the core never calls its methods on them.
 * That is how a method added in 1.x is feature-detected.
 *
 * @public
 */
export const CAPABILITIES = {
  "block-device": {
    methods: ["attachBlockDevice", "detachBlockDevice"],
    trait: "COMPUTE_VOLUME_ATTACH",
    since: "1.0.0",
    summary: "Attach and detach volumes to an instance.",
  },
  "network-interface": {
    methods: ["attachInterface", "detachInterface"],
    trait: "COMPUTE_NET_ATTACH_INTERFACE",
    since: "1.0.0",
    summary: "Attach and detach network interfaces to an instance.",
  },
  snapshot: {
    methods: ["createSnapshot", "listSnapshots", "revertToSnapshot", "deleteSnapshot"],
    trait: "COMPUTE_SNAPSHOT",
    since: "1.0.0",
    summary: "Take, list, revert to and delete instance snapshots.",
  },
  "console-output": {
    methods: ["getConsoleOutput"],
    trait: "COMPUTE_CONSOLE_OUTPUT",
    since: "1.0.0",
    summary: "Read what the guest wrote to its serial console.",
  },
  resize: {
    methods: ["resize"],
    trait: "COMPUTE_RESIZE",
    since: "1.0.0",
    summary: "Change the vCPUs and memory of a stopped instance in place.",
  },
  "live-migration": {
    methods: ["migrateLive"],
    trait: "COMPUTE_LIVE_MIGRATION",
    since: "1.0.0",
    summary: "Move a running instance to another host without stopping it.",
  },
  // suspend and resume were required in 1.0, so every driver whose range
  // admits 1.0 has them (see impliedCapabilities); a driver for 1.1 or later
  // that can save a guest's memory to disk declares it, and one that cannot
  // leaves it out and rejects both with Unsupported. os-traits has no trait
  // for it, hence Placement's CUSTOM_ prefix.
  suspend: {
    methods: ["suspend", "resume"],
    trait: "CUSTOM_NOVAKIT_SUSPEND",
    since: "1.1.0",
    summary: "Save a running instance's memory to disk and restore it (suspend, resume).",
  },
} as const satisfies Record<
  string,
  { methods: readonly string[]; trait: string; since: string; summary: string }
>;

/** @public */
export type Capability = keyof typeof CAPABILITIES;

/** Every capability name this version of the contract knows. @public */
export const CAPABILITY_NAMES = Object.keys(CAPABILITIES) as readonly Capability[];

/** True when `name` is a capability this version of the contract knows. @public */
export function isCapability(name: string): name is Capability {
  return Object.hasOwn(CAPABILITIES, name);
}

/**
 * Splits a driver's declared capability names into the ones this contract
 * knows and the rest. Unknown names come from drivers built against a newer
 * contract; they are ignored, never fatal.
 *
 * @public
 */
export function partitionCapabilities(names: readonly string[]): {
  known: Capability[];
  unknown: string[];
} {
  const known = new Set<Capability>();
  const unknown: string[] = [];
  for (const name of names) {
    if (isCapability(name)) known.add(name);
    else unknown.push(name);
  }
  return { known: [...known], unknown };
}

/**
 * The capabilities a driver has without declaring them, by the contract
 * range its manifest declares: `suspend` for a driver whose range admits a
 * 1.0 core, since 1.0 made suspend and resume required. A core that knows
 * the range (the loader passes it to {@link DriverClient}) adds these to
 * what the driver declared.
 *
 * @public
 * @since 1.1.0
 */
export function impliedCapabilities(contractRange: string): Capability[] {
  return semver.intersects(contractRange, "<1.1.0-0", { includePrerelease: true })
    ? ["suspend"]
    : [];
}

/** The scheduler traits a set of capabilities maps to. @public */
export function capabilityTraits(capabilities: readonly Capability[]): string[] {
  // A capability listed twice (a driver's declaration is a list) is one trait.
  return [...new Set(capabilities.map((c) => CAPABILITIES[c].trait))].sort();
}
