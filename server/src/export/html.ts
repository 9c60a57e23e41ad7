/**
 * HTML export: ProseMirror's DOMSerializer with the schema's own `renderHTML` rules (exactly the markup the
 * editor shows, including Tiptap's link sanitising), rendered into `string-dom.ts`, which also builds the
 * page around it. No user content is ever concatenated into markup by hand: escaping is the writer's job.
 */
import { DOMSerializer, type Node as PMNode } from '@tiptap/pm/model';
import { documentSchema } from './schema.js';
import { isoTime, noteTime, type CommentNote, type PlacedNotes } from './comment-notes.js';
import { StringElement, StringText, stringDocument, type StringNode } from './string-dom.js';

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

/** Added when the export carries comments [CM6]; escaped like STYLE. */
const COMMENTS_STYLE = [
  'aside.comment-thread{border-left:3px solid #c9a227;margin:1rem 0;padding:0 0.75rem}',
  'aside.comment-thread p{white-space:pre-wrap}',
].join('\n');

/**
 * A complete HTML5 document: `<title>` and a leading `<h1>` when there is a title, then the content. With
 * comments [CM6] (`placed`): a numbered link where each commented passage ends, and after the content one
 * `<aside>` per thread (its quote, then each comment with its author and time).
 */
export function toHtml(root: PMNode, title: string, placed?: PlacedNotes): string {
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
    element('style', {}, placed?.notes.length ? `${STYLE}\n${COMMENTS_STYLE}` : STYLE),
  );
  const body = element('body');
  if (title) body.appendChild(element('h1', {}, title));
  // The string DOM implements the part of `Document`/`HTMLElement` the serializer uses.
  serializer.serializeFragment((placed?.root ?? root).content, { document: stringDocument as unknown as Document }, body as unknown as HTMLElement);
  if (placed && placed.notes.length > 0) {
    linkMarkers(body, placed.markers, element);
    const section = element('section', { class: 'comments' });
    section.appendChild(element('h2', {}, 'Comments'));
    for (const note of placed.notes) section.appendChild(aside(note, element));
    body.appendChild(section);
  }

  const html = element('html');
  html.append(head, body);
  return `<!DOCTYPE html>\n${html.outerHTML}\n`;
}

type ElementMaker = (tag: string, attributes?: Record<string, string>, ...children: string[]) => StringElement;

/** Replaces each marker in the text with a numbered link to its aside (and the aside links back). */
function linkMarkers(node: StringElement, markers: RegExp, element: ElementMaker): void {
  const children = node.childNodes;
  for (let i = 0; i < children.length; i++) {
    const child = children[i]!;
    if (child instanceof StringElement) {
      linkMarkers(child, markers, element);
      continue;
    }
    // With one capture group, split alternates text and note numbers.
    const parts = child.data.split(markers);
    if (parts.length === 1) continue;
    const replacement: StringNode[] = parts.flatMap((part, j): StringNode[] => {
      if (j % 2 === 0) return part ? [new StringText(part)] : [];
      const ref = element('sup', { class: 'comment-ref' });
      ref.appendChild(element('a', { href: `#comment-${part}`, id: `comment-ref-${part}` }, part));
      return [ref];
    });
    children.splice(i, 1, ...replacement);
    i += replacement.length - 1;
  }
}

function aside({ n, thread, inline }: CommentNote, element: ElementMaker): StringElement {
  const box = element('aside', { class: 'comment-thread', id: `comment-${n}`, 'data-resolved': String(thread.resolved) });
  const head = element('p', { class: 'comment-quote' });
  head.appendChild(inline ? element('a', { href: `#comment-ref-${n}` }, `${n}.`) : element('span', {}, `${n}.`));
  head.appendChild(new StringText(' '));
  if (thread.quote) head.appendChild(element('q', thread.detached ? { class: 'detached' } : {}, thread.quote.replace(/\s+/g, ' ').trim()));
  if (thread.detached) head.appendChild(new StringText(' (text no longer there)'));
  if (thread.resolved) head.appendChild(new StringText(' (resolved)'));
  box.appendChild(head);
  for (const comment of thread.comments) {
    const p = element('p', { class: 'comment' });
    p.appendChild(element('strong', {}, comment.author || 'Someone'));
    const when = noteTime(comment.createdAt);
    if (when) {
      p.appendChild(new StringText(' '));
      p.appendChild(element('time', { datetime: isoTime(comment.createdAt) }, when));
    }
    p.appendChild(new StringText(`: ${comment.body}`));
    box.appendChild(p);
  }
  return box;
}
