// What a published package may ship and declare. Pure functions over a
// packed manifest and its file list, used by scripts/check-packages.mjs.

/** What every published package may ship. Anything else (tests, sources, configs, benches) is a leak. */
export const DEFAULT_FILES = [
  /^package\.json$/,
  /^README\.md$/,
  /^LICENSE(\.md|\.txt)?$/,
  /^dist\//,
  /^schemas\/[^/]+\.json$/,
];

/** The packages that ship more, each with the reason. */
export const EXTRA_FILES = {
  "@novakit/driver-fake": {
    why: "the readable template ships its TypeScript source (not its tests)",
    patterns: [/^src\/[^/]+\.ts$/],
  },
  "@novakit/driver-xen": {
    why: "xl-sim, the simulator of Xen's xl, ships so a deployment can certify the driver without Xen",
    patterns: [/^bin\/xl-sim[a-z-]*\.mjs$/],
  },
  "@novakit/node-libvirt": {
    why: "the addon is compiled on install from its C++ source",
    patterns: [/^src\/native\/[^/]+\.(cc|h)$/, /^binding\.gyp$/, /^scripts\/build-addon\.mjs$/],
  },
};

const DEPENDENCY_FIELDS = [
  "dependencies",
  "devDependencies",
  "peerDependencies",
  "optionalDependencies",
];

/** Files a package would ship that it should not, and files it must ship that are missing. */
export function fileProblems(name, files) {
  const allowed = [...DEFAULT_FILES, ...(EXTRA_FILES[name]?.patterns ?? [])];
  const problems = files
    .filter((file) => !allowed.some((pattern) => pattern.test(file)))
    .map((file) => `ships ${file}, which is not dist/, schemas/ or the README`);
  if (/\.test\.[cm]?[jt]s$/.test(files.join("\n"))) {
    problems.push("ships a test file");
  }
  if (!files.includes("README.md")) problems.push("ships no README.md");
  return problems;
}

/**
 * What is wrong with a manifest as it would be published. `workspace` maps
 * each package name of the repository to whether it is published.
 */
export function manifestProblems(manifest, files, workspace) {
  const problems = [];
  for (const field of DEPENDENCY_FIELDS) {
    for (const [dep, range] of Object.entries(manifest[field] ?? {})) {
      if (String(range).startsWith("workspace:")) {
        problems.push(`${field}.${dep} is still "${range}"`);
      }
      if (workspace.get(dep) === false) {
        problems.push(`${field}.${dep} names a package this repository does not publish`);
      }
    }
  }
  if (manifest.name.startsWith("@") && manifest.publishConfig?.access !== "public") {
    problems.push(
      'a scoped package without publishConfig.access "public" is published restricted (or refused)',
    );
  }
  if (manifest.novakitDriver !== undefined) problems.push(...driverProblems(manifest));
  for (const target of entryTargets(manifest)) {
    if (!files.includes(target)) problems.push(`names ${target}, which it does not ship`);
  }
  return problems;
}

/** C-PKG-1 and C-PKG-3, for the drivers this repository publishes. */
function driverProblems(manifest) {
  const problems = [];
  const api = "@novakit/driver-api";
  if (manifest.dependencies?.[api] !== undefined) {
    problems.push(`C-PKG-1: ${api} is a dependency; it must be a peer dependency only`);
  }
  const peer = manifest.peerDependencies?.[api];
  if (peer === undefined) problems.push(`C-PKG-1: ${api} is not a peer dependency`);
  else if (peer !== manifest.novakitDriver.contract) {
    problems.push(
      `C-PKG-3: the peer range of ${api} (${peer}) differs from novakitDriver.contract (${manifest.novakitDriver.contract})`,
    );
  }
  return problems;
}

/** Every file the manifest points at: exports, bin, types and the driver's entry. */
export function entryTargets(manifest) {
  const targets = new Set();
  const add = (value) => {
    if (typeof value === "string") {
      if (!value.includes("*")) targets.add(value.replace(/^\.\//, ""));
    } else if (value !== null && typeof value === "object") {
      for (const v of Object.values(value)) add(v);
    }
  };
  add(manifest.exports);
  add(manifest.bin);
  add(manifest.types);
  add(manifest.main);
  add(manifest.novakitDriver?.entry);
  return [...targets].sort();
}

/**
 * Links in a shipped README that lead nowhere once it is on npm: a relative
 * link must name a file the package ships (npm renders the README alone).
 */
export function readmeProblems(text, files) {
  const problems = [];
  for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
    if (/^(https?:|mailto:|#)/.test(target)) continue;
    const path = target.split("#")[0].replace(/^\.\//, "");
    if (!files.some((file) => file === path || file.startsWith(`${path.replace(/\/$/, "")}/`))) {
      problems.push(`README.md links to ${target}, which the package does not ship`);
    }
  }
  return problems;
}
