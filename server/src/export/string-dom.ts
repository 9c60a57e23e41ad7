/**
 * The smallest DOM that ProseMirror's `DOMSerializer` can render into, plus an HTML writer for it.
 *
 * Why not happy-dom: building the DOM of a ~1 MB document there takes about a second (tens of µs per
 * node), and all the serializer needs is createElement/createTextNode/setAttribute/appendChild. The
 * structure still comes entirely from the schema's `renderHTML` rules; this file only writes the tree
 * out, escaping text and attribute values as the HTML standard's fragment serialisation does.
 */

/** Elements without an end tag (HTML standard, "void elements"). */
const VOID_ELEMENTS = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);
const TAG_NAME = /^[a-z][a-z0-9-]*$/i;
/** Anything else could break out of the attribute list; schemas never produce such names. */
const ATTRIBUTE_NAME = /^[^\s"'<>/=\u0000-\u001f\u007f]+$/;

export class StringText {
  readonly nodeType = 3;
  constructor(readonly data: string) {}
}

export class StringElement {
  readonly nodeType = 1;
  readonly attributes = new Map<string, string>();
  readonly childNodes: StringNode[] = [];
  readonly tagName: string;

  constructor(tagName: string) {
    if (!TAG_NAME.test(tagName)) throw new Error(`Invalid element name: ${JSON.stringify(tagName)}`);
    this.tagName = tagName.toLowerCase();
  }

  setAttribute(name: string, value: unknown): void {
    if (!ATTRIBUTE_NAME.test(name)) throw new Error(`Invalid attribute name: ${JSON.stringify(name)}`);
    this.attributes.set(name.toLowerCase(), String(value));
  }

  /** Namespaced attributes (`xlink:href`) are written under their qualified name, as HTML does. */
  setAttributeNS(_namespace: string | null, name: string, value: unknown): void {
    this.setAttribute(name, value);
  }

  appendChild<T extends StringNode>(child: T): T {
    this.childNodes.push(child);
    return child;
  }

  append(...children: StringNode[]): void {
    for (const child of children) this.appendChild(child);
  }

  get outerHTML(): string {
    const out: string[] = [];
    writeNode(this, out);
    return out.join('');
  }
}

export type StringNode = StringElement | StringText;

/**
 * What `DOMSerializer` calls on `options.document` when it is given a target element (it only needs
 * `createDocumentFragment` without one, so that is deliberately missing).
 */
export const stringDocument = {
  createElement: (tagName: string) => new StringElement(tagName),
  createElementNS: (_namespace: string | null, tagName: string) => new StringElement(tagName),
  createTextNode: (data: string) => new StringText(data),
};

function writeNode(node: StringNode, out: string[]): void {
  if (node instanceof StringText) {
    out.push(escapeText(node.data));
    return;
  }
  out.push('<', node.tagName);
  for (const [name, value] of node.attributes) out.push(' ', name, '="', escapeAttribute(value), '"');
  out.push('>');
  if (VOID_ELEMENTS.has(node.tagName)) return;
  // No raw-text elements (script, style …) get special treatment: everything is escaped, which is
  // always safe, and the only such element written here (the export's <style>) avoids `<`, `>` and `&`.
  for (const child of node.childNodes) writeNode(child, out);
  out.push('</', node.tagName, '>');
}

function escapeText(text: string): string {
  return text.replace(/[&<>\u00a0]/g, (c) => ESCAPES[c] ?? c);
}

function escapeAttribute(value: string): string {
  return value.replace(/[&"<>\u00a0]/g, (c) => ESCAPES[c] ?? c);
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\u00a0': '&nbsp;' };
