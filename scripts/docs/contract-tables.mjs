// Renders the contract's normative tables into docs/contract/guide.md from
// the code that enforces them (the power-state table, the capabilities, the
// error codes, the conformance clauses), so the guide cannot drift from the
// contract. Each table sits between BEGIN/END GENERATED markers; the prose
// around it is written by hand.
//
//   node scripts/docs/contract-tables.mjs          rewrite the guide
//   node scripts/docs/contract-tables.mjs --check  exit 1 if the guide is stale
import { readFileSync, writeFileSync } from "node:fs";
import { CLAUSES, transitionClauseId } from "../../packages/conformance/dist/index.js";
import {
  ALLOWED_STATES,
  CAPABILITIES,
  CAPABILITY_NAMES,
  DEFAULT_TIMEOUTS_MS,
  ErrorCode,
  POWER_STATES,
  POWER_TRANSITIONS,
} from "../../packages/driver-api/dist/index.js";

const guide = new URL("../../docs/contract/guide.md", import.meta.url);

const cell = (t) =>
  t.kind === "invalid"
    ? "InvalidState"
    : t.kind === "noop"
      ? "no-op"
      : `→ ${t.to}${t.event ? ` (event: ${t.event})` : ""}`;

export function powerTable() {
  const head = `| operation | ${POWER_STATES.join(" | ")} |`;
  const rule = `|---|${POWER_STATES.map(() => "---").join("|")}|`;
  const rows = Object.keys(POWER_TRANSITIONS).map(
    (op) =>
      `| \`${op}\` | ${POWER_STATES.map((s) => `${cell(POWER_TRANSITIONS[op][s])} <sub>${transitionClauseId(op, s)}</sub>`).join(" | ")} |`,
  );
  const allowed = Object.entries(ALLOWED_STATES).map(
    ([op, states]) => `| \`${op}\` | ${states.join(", ")} |`,
  );
  return [
    head,
    rule,
    ...rows,
    "",
    "| other operation | allowed from | ",
    "|---|---|",
    ...allowed,
  ].join("\n");
}

export function capabilityTable() {
  return [
    "| capability | methods | scheduler trait | since |",
    "|---|---|---|---|",
    ...CAPABILITY_NAMES.map((c) => {
      const d = CAPABILITIES[c];
      return `| \`${c}\` | ${d.methods.map((m) => `\`${m}\``).join(", ")} | \`${d.trait}\` | ${d.since} |`;
    }),
  ].join("\n");
}

const ERROR_NOTES = {
  InstanceNotFound: ["InstanceNotFound", "no instance with this UUID", "no", "uuid"],
  InstanceExists: ["InstanceExists", "spawn of a UUID that exists", "no", "uuid"],
  InvalidState: [
    "InvalidState",
    "the table forbids the operation from the current state",
    "no",
    "uuid, operation, currentState",
  ],
  Unsupported: [
    "Unsupported",
    "the capability the operation needs is not declared",
    "no",
    "operation, capability",
  ],
  InvalidSpec: ["InvalidSpec", "a request field is bad", "no", "path (JSON Pointer), reason"],
  HypervisorUnavailable: [
    "HypervisorUnavailable",
    "the hypervisor cannot be reached",
    "yes",
    "reason",
  ],
  Timeout: ["Timeout", "the call passed its deadline", "yes", "operation, timeoutMs"],
  DriverInternal: [
    "DriverInternal",
    "anything else: a bug in the driver or the hypervisor",
    "no",
    "cause",
  ],
  Cancelled: [
    "Cancelled",
    "(1.1) the caller aborted the call through its signal",
    "no",
    "operation, cause",
  ],
  SnapshotNotFound: [
    "SnapshotNotFound",
    "(1.1) the instance has no snapshot with this id",
    "no",
    "uuid, snapshotId",
  ],
  ResourceExhausted: [
    "ResourceExhausted",
    "(1.1) the host ran out of something the operation needs (disk in its pool, device names)",
    "no (here; another host may have room)",
    "resource, reason",
  ],
  ImageUnusable: [
    "ImageUnusable",
    "(1.1) the image was found but cannot be used (format, files it points at, corrupt)",
    "no",
    "imageId, reason",
  ],
  DriverLoad: [
    "DriverLoadError",
    "loader: no such package, or create() threw",
    "no",
    "specifier, path (JSON Pointer), file, found, expected",
  ],
  ManifestInvalid: [
    "DriverLoadError",
    "loader: manifest missing or malformed",
    "no",
    "specifier, path (JSON Pointer), file, found, expected",
  ],
  ContractRange: [
    "DriverLoadError",
    "loader: the driver's range excludes this core",
    "no",
    "specifier, found, expected",
  ],
  EntryPoint: [
    "DriverLoadError",
    "loader: entry missing, no definition, or required methods missing",
    "no",
    "specifier, path",
  ],
  ConfigInvalid: [
    "DriverLoadError",
    "loader: config refused by the driver's schema",
    "no",
    "specifier, path",
  ],
};

export function errorTable() {
  return [
    "| error | code | when | retryable | fields |",
    "|---|---|---|---|---|",
    ...Object.entries(ErrorCode).map(([name, code]) => {
      const [cls, when, retry, fields] = ERROR_NOTES[name] ?? [name, "", "no", ""];
      return `| \`${cls}\` | \`${code}\` | ${when} | ${retry} | ${fields} |`;
    }),
  ].join("\n");
}

export function timeoutTable() {
  return [
    "| operation | default deadline |",
    "|---|---|",
    ...Object.entries(DEFAULT_TIMEOUTS_MS).map(
      ([op, ms]) => `| \`${op}\` | ${ms >= 60000 ? `${ms / 60000} min` : `${ms / 1000} s`} |`,
    ),
  ].join("\n");
}

export function clauseTable() {
  return [
    "| clause | level | group | statement |",
    "|---|---|---|---|",
    ...CLAUSES.filter((c) => !c.id.startsWith("T-")).map(
      (c) => `| ${c.id} | ${c.level} | ${c.group} | ${c.text.replaceAll("|", "\\|")} |`,
    ),
  ].join("\n");
}

const SECTIONS = {
  "power-table": powerTable,
  capabilities: capabilityTable,
  errors: errorTable,
  timeouts: timeoutTable,
  clauses: clauseTable,
};

export function render(text) {
  let out = text;
  for (const [name, make] of Object.entries(SECTIONS)) {
    const pattern = new RegExp(
      `(<!-- BEGIN GENERATED: ${name} -->\\n)[\\s\\S]*?(<!-- END GENERATED: ${name} -->)`,
    );
    if (!pattern.test(out))
      throw new Error(`docs/contract/guide.md lacks the markers for "${name}"`);
    out = out.replace(pattern, (_m, begin, end) => `${begin}${make()}\n${end}`);
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const current = readFileSync(guide, "utf8");
  const next = render(current);
  if (process.argv.includes("--check")) {
    if (next !== current) {
      console.error(
        "docs/contract/guide.md is stale: run `node scripts/docs/contract-tables.mjs` and commit it.",
      );
      process.exit(1);
    }
  } else {
    writeFileSync(guide, next);
    console.log("docs/contract/guide.md tables regenerated");
  }
}
