// Classifies the difference between two api-extractor reports as the semver
// bump it needs. Pure functions over report text, so they are easy to test.

/**
 * Lines whose text changes with every release and says nothing about the
 * surface: the contract version constant.
 */
const VERSION_LINE = /^export const CONTRACT_VERSION = "[^"]*";$/;

/** The declaration lines of a report: code only, no comments or blank lines. */
export function reportLines(text) {
  const start = text.indexOf("```ts");
  const end = text.lastIndexOf("```");
  const body = start >= 0 && end > start ? text.slice(start + 5, end) : text;
  return body
    .split("\n")
    .map((line) => line.trimEnd())
    .filter(
      (line) => line.trim() !== "" && !line.trim().startsWith("//") && !VERSION_LINE.test(line),
    );
}

/**
 * Each line with the declaration it sits in (the nearest enclosing
 * `export interface|class|type|const|function NAME` line), so that the same
 * member text in two interfaces counts twice.
 */
export function qualifiedLines(text) {
  let owner = "";
  let kind = "";
  const declaration =
    /^export (?:declare )?(?:abstract )?(interface|class|type|const|function|enum) (\w+)/;
  return reportLines(text).map((line) => {
    const top = declaration.exec(line);
    if (top) {
      kind = top[1];
      owner = top[2];
    }
    return { owner, kind, line, key: `${owner}\u0000${line}` };
  });
}

/** Lines of `after` not in `before`, and lines of `before` not in `after`, counted as multisets. */
export function diffReports(before, after) {
  const count = new Map();
  for (const { key } of qualifiedLines(before)) count.set(key, (count.get(key) ?? 0) + 1);
  const added = [];
  for (const entry of qualifiedLines(after)) {
    const n = count.get(entry.key) ?? 0;
    if (n > 0) count.set(entry.key, n - 1);
    else added.push(entry);
  }
  const removed = [];
  for (const entry of qualifiedLines(before)) {
    const n = count.get(entry.key) ?? 0;
    if (n > 0) {
      removed.push(entry);
      count.set(entry.key, n - 1);
    }
  }
  return { added, removed };
}

/**
 * A member line that adds something required (no `?`) to an interface. Every
 * interface of the contract is either implemented by drivers (ComputeDriver),
 * filled in by drivers (InstanceInfo, HostResources, events), or filled in by
 * the core and read by drivers (SpawnRequest): a new required member breaks
 * one side's existing code either way. Classes only gain callable surface.
 */
function addsRequiredMember({ kind, line }) {
  if (kind !== "interface") return false;
  const member = /^\s+(?:readonly )?([A-Za-z_$][\w$]*)(\??)[(:<]/.exec(line);
  return member !== null && member[2] === "";
}

/**
 * The bump a change between two reports needs: "none", "minor" or "major",
 * with the lines that decided it.
 */
export function requiredBump(before, after) {
  const { added, removed } = diffReports(before, after);
  const breakingAdds = added.filter(addsRequiredMember);
  if (removed.length > 0 || breakingAdds.length > 0) {
    return { bump: "major", removed, added, breakingAdds };
  }
  if (added.length > 0) return { bump: "minor", removed, added, breakingAdds };
  return { bump: "none", removed, added, breakingAdds };
}

const RANK = { none: 0, patch: 1, minor: 2, major: 3 };

/** The largest bump that pending changesets give `packageName`. */
export function pendingBump(changesetTexts, packageName) {
  let best = "none";
  for (const text of changesetTexts) {
    const front = /^---\n([\s\S]*?)\n---/.exec(text);
    if (!front) continue;
    for (const line of front[1].split("\n")) {
      const m = /^\s*["']?([^"':]+)["']?\s*:\s*(major|minor|patch)\s*$/.exec(line);
      if (m && m[1] === packageName && RANK[m[2]] > RANK[best]) best = m[2];
    }
  }
  return best;
}

/** True when the pending bump covers the required one. */
export function bumpCovers(pending, required) {
  return RANK[pending] >= RANK[required];
}
