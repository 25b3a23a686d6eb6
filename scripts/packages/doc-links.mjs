// The vendor docs must make sense to someone who installed from npm: they
// name what the packages ship (exports, dist/index.d.ts, schemas/, READMEs),
// never a source file a vendor does not have, and every relative link lands.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** A path into a package's sources: what an npm user does not have. */
const SOURCE_PATH = /packages\/[a-z-]+\/(src|test)\//g;

/** The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as dashes. */
export function headingAnchor(heading) {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

/** Every anchor a Markdown text defines: its headings' and its explicit `<a id>`s. */
export function anchorsOf(text) {
  const anchors = new Set();
  for (const [, heading] of text.matchAll(/^#{1,6}\s+(.+)$/gm)) anchors.add(headingAnchor(heading));
  for (const [, id] of text.matchAll(/<a id="([^"]+)">/g)) anchors.add(id);
  return anchors;
}

/**
 * What is wrong with one doc: a source path named, a relative link to a
 * file that does not exist, or to an anchor its target does not define.
 */
export function docProblems(file, text, read = (path) => readFileSync(path, "utf8")) {
  const problems = [];
  for (const [match] of text.matchAll(SOURCE_PATH)) {
    problems.push(`${file} names ${match}..., a source path an npm user does not have`);
  }
  for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
    if (/^(https?:|mailto:)/.test(target)) continue;
    const [path, anchor] = target.split("#");
    const resolved = path === "" ? file : join(dirname(file), path);
    if (path !== "" && !existsSync(resolved)) {
      problems.push(`${file} links to ${target}, which does not exist`);
      continue;
    }
    const targetText = path === "" ? text : resolved.endsWith(".md") ? read(resolved) : undefined;
    if (anchor !== undefined && targetText !== undefined && !anchorsOf(targetText).has(anchor)) {
      problems.push(`${file} links to ${target}, whose anchor #${anchor} is not there`);
    }
  }
  return problems;
}
