/**
 * HTML export: ProseMirror's DOMSerializer with the schema's own `renderHTML` rules (exactly the markup the
 * editor shows, including Tiptap's link sanitising), rendered into `string-dom.ts`, which also builds the
 * page around it. No user content is ever concatenated into markup by hand: escaping is the writer's job.
 */
import { DOMSerializer, type Node as PMNode } from '@tiptap/pm/model';
import { documentSchema } from './schema.js';
import { StringElement, stringDocument } from './string-dom.js';

const serializer = DOMSerializer.fromSchema(documentSchema);

/**
 * Static CSS so task lists read as checklists and tables as tables when the file is opened on its own. It
 * is escaped like any text, so it must not contain `<`, `>` or `&` (hence no child combinators).
 *
 * A task item is `<li><label><input></label><div><p>text</p></div></li>` (the editor's markup): the box
 * sits on the first line of the text because the paragraph's top margin is gone and both align on their
 * baseline; without that the box floats a line above its text.
 */
const STYLE = [
  'body{max-width:48rem;margin:2rem auto;padding:0 1rem;font-family:system-ui,sans-serif;line-height:1.5}',
  'ul[data-type="taskList"]{list-style:none;padding-left:0.25rem}',
  'li[data-type="taskItem"]{display:flex;gap:0.5rem;align-items:baseline}',
  'li[data-type="taskItem"] p{margin:0}',
  'table{border-collapse:collapse;margin:1rem 0}',
  'th,td{border:1px solid #b4b4b4;padding:0.3rem 0.6rem;vertical-align:top;text-align:left}',
  'th{background:#f2f2f2}',
  'th p,td p{margin:0}',
  'pre{overflow-x:auto}',
].join('\n');

/** A complete HTML5 document: `<title>` and a leading `<h1>` when there is a title, then the content. */
export function toHtml(root: PMNode, title: string): string {
  const element = (tag: string, attributes: Record<string, string> = {}, ...children: string[]): StringElement => {
    const el = stringDocument.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
    for (const text of children) el.appendChild(stringDocument.createTextNode(text));
    return el;
  };

  const head = element('head');
  head.append(
    element('meta', { charset: 'utf-8' }),
    element('meta', { name: 'viewport', content: 'width=device-width, initial-scale=1' }),
    // A page needs some title; the visible heading is only there when the document has one.
    element('title', {}, title || 'Untitled'),
    element('style', {}, STYLE),
  );
  const body = element('body');
  if (title) body.appendChild(element('h1', {}, title));
  // The string DOM implements the part of `Document`/`HTMLElement` the serializer uses.
  serializer.serializeFragment(root.content, { document: stringDocument as unknown as Document }, body as unknown as HTMLElement);

  const html = element('html');
  html.append(head, body);
  return `<!DOCTYPE html>\n${html.outerHTML}\n`;
}
