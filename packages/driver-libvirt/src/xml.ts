// XML text handling for everything the driver writes into libvirt's
// configuration and reads back. Only these functions put a value into XML.

/** Escapes text for an XML element or attribute. */
export function escapeXml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&apos;");
}

/** Reverses escapeXml, and the numeric references libvirt may write back. */
export function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g, (_m, ref: string) => {
    switch (ref) {
      case "amp":
        return "&";
      case "lt":
        return "<";
      case "gt":
        return ">";
      case "quot":
        return '"';
      case "apos":
        return "'";
      default:
        return String.fromCodePoint(
          ref[1] === "x" ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10),
        );
    }
  });
}

/**
 * Text that XML can carry whatever it holds. XML 1.0 cannot represent most
 * control characters at all, not even as references, so opaque text (names,
 * metadata) is stored as a JSON string literal: JSON escapes every control
 * character and lone surrogate, and the result is then XML-escaped.
 */
export function encodeOpaque(value: unknown): string {
  // U+FFFE and U+FFFF are the two non-characters JSON leaves as they are
  // and XML refuses; escape them too (still valid JSON).
  const json = JSON.stringify(value).replace(
    /[\ufffe\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16)}`,
  );
  return escapeXml(json);
}

export function decodeOpaque<T>(xmlText: string): T {
  return JSON.parse(unescapeXml(xmlText)) as T;
}
