// Everything the driver writes into libvirt's XML and reads back goes through
// here. Documents are built as trees and serialised by @xmldom/xmldom, which
// escapes every text and attribute value; no caller concatenates markup. What
// libvirt returns is read by a real parser, namespace-aware, never by
// regular expressions.
import { DOMImplementation, DOMParser, XMLSerializer } from "@xmldom/xmldom";

/** An element to build: a name, attributes, and children (elements or text). */
export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string | undefined>>;
  readonly children: readonly XmlChild[];
  /** The element's namespace; children inherit it. */
  readonly namespace?: string;
}
export type XmlChild = XmlElement | string | false | undefined;

/** An element; attributes whose value is undefined and children that are false or undefined are left out. */
export function element(
  name: string,
  attributes: Readonly<Record<string, string | undefined>> = {},
  children: readonly XmlChild[] = [],
): XmlElement {
  return { name, attributes, children };
}

/** The same, in a namespace (as the default namespace of the element and its children). */
export function namespacedElement(
  namespace: string,
  name: string,
  children: readonly XmlChild[] = [],
): XmlElement {
  return { name, attributes: {}, children, namespace };
}

// XML 1.0 cannot carry these at all, not even as character references.
const NOT_XML =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The element as XML text. Throws when a value holds a character XML cannot carry. */
export function serialize(root: XmlElement): string {
  const doc = new DOMImplementation().createDocument(null, "", null);
  const build = (
    node: XmlElement,
    inherited: string | null,
  ): ReturnType<typeof doc.createElement> => {
    const namespace = node.namespace ?? inherited;
    const el =
      namespace === null ? doc.createElement(node.name) : doc.createElementNS(namespace, node.name);
    for (const [key, value] of Object.entries(node.attributes)) {
      if (value === undefined) continue;
      checkText(value, `attribute ${key} of <${node.name}>`);
      el.setAttribute(key, value);
    }
    for (const child of node.children) {
      if (child === false || child === undefined) continue;
      if (typeof child === "string") {
        checkText(child, `the text of <${node.name}>`);
        el.appendChild(doc.createTextNode(child));
      } else {
        el.appendChild(build(child, namespace));
      }
    }
    return el;
  };
  return new XMLSerializer().serializeToString(build(root, null));
}

function checkText(text: string, where: string): void {
  if (NOT_XML.test(text)) throw new Error(`${where} holds a character XML cannot carry`);
}

/** A document parsed from libvirt's XML. Throws on XML that is not well formed. */
export type XmlDocument = ReturnType<DOMParser["parseFromString"]>;
export type XmlNode = NonNullable<XmlDocument["documentElement"]>;

export function parseXml(text: string): XmlDocument {
  return new DOMParser({
    onError: (level, message) => {
      if (level !== "warning")
        throw new Error(`libvirt returned XML that does not parse: ${message}`);
    },
  }).parseFromString(text, "text/xml");
}

/** The direct children of `node` named `name`. */
export function childElements(node: XmlNode, name: string): XmlNode[] {
  const found: XmlNode[] = [];
  for (let child = node.firstChild; child !== null; child = child.nextSibling) {
    if (child.nodeType === child.ELEMENT_NODE && (child as XmlNode).localName === name) {
      found.push(child as XmlNode);
    }
  }
  return found;
}

/**
 * Text that XML can carry whatever it holds. XML 1.0 cannot represent most
 * control characters at all, so opaque text (names, metadata) is stored as
 * a JSON string literal: JSON escapes every control character and lone
 * surrogate, and the serialiser escapes the rest.
 */
export function encodeOpaque(value: unknown): string {
  // U+FFFE and U+FFFF are the two non-characters JSON leaves as they are
  // and XML refuses; escape them too (still valid JSON).
  return JSON.stringify(value).replace(
    /[\ufffe\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16)}`,
  );
}

/** Reads back what encodeOpaque stored; throws when the text is not JSON. */
export function decodeOpaque(text: string): unknown {
  return JSON.parse(text);
}
