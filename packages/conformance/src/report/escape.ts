// Escaping for the human and CI reports. Test names and errors carry the
// suite's hostile strings (angle brackets, control characters, lone
// surrogates), so every value from a report goes through one of these.

/** Characters XML 1.0 cannot carry at all: replaced, since escaping cannot help. */
// Matching control characters is the point here; biome.json turns off the
// lint against them for this file only.
const XML_FORBIDDEN =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Text safe inside an XML attribute or element. */
export function xml(text: string): string {
  return text
    .replace(XML_FORBIDDEN, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&apos;");
}

/** Text safe inside HTML element content and attribute values. */
export function html(text: string): string {
  return xml(text);
}

const CONTROL = /[\u0000-\u001f\u007f]/g;

/** Control characters shown as escapes, so they cannot restyle a terminal or a page. */
function visibleControls(text: string): string {
  return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Text safe inside one Markdown table cell or list line. */
export function md(text: string): string {
  return visibleControls(text.replace(/\r?\n/g, " ⏎ "))
    .replace(/([\\`*_{}[\]()#+!|~])/g, "\\$1")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;");
}
