/**
 * Documents built the way the editor builds them: ProseMirror JSON checked against the shared schema,
 * then written into the `default` XmlFragment by y-tiptap (what the Collaboration extension does).
 */
import type { JSONContent } from '@tiptap/core';
import { Node as PMNode } from '@tiptap/pm/model';
import { prosemirrorJSONToYXmlFragment } from '@tiptap/y-tiptap';
import * as Y from 'yjs';
import { documentSchema } from '../../src/export/schema.js';

type Mark = NonNullable<JSONContent['marks']>[number];

export const text = (value: string, ...marks: Mark[]): JSONContent =>
  marks.length ? { type: 'text', text: value, marks } : { type: 'text', text: value };
export const bold: Mark = { type: 'bold' };
export const italic: Mark = { type: 'italic' };
export const strike: Mark = { type: 'strike' };
export const code: Mark = { type: 'code' };
export const underline: Mark = { type: 'underline' };
export const highlight: Mark = { type: 'highlight' };
export const link = (href: string): Mark => ({ type: 'link', attrs: { href } });

export const paragraph = (...content: JSONContent[]): JSONContent =>
  content.length ? { type: 'paragraph', content } : { type: 'paragraph' };
export const heading = (level: number, ...content: JSONContent[]): JSONContent => ({ type: 'heading', attrs: { level }, content });
export const hardBreak: JSONContent = { type: 'hardBreak' };
export const listItem = (...content: JSONContent[]): JSONContent => ({ type: 'listItem', content });
export const bulletList = (...items: JSONContent[]): JSONContent => ({ type: 'bulletList', content: items });
export const orderedList = (...items: JSONContent[]): JSONContent => ({ type: 'orderedList', content: items });
export const taskItem = (checked: boolean, ...content: JSONContent[]): JSONContent => ({ type: 'taskItem', attrs: { checked }, content });
export const taskList = (...items: JSONContent[]): JSONContent => ({ type: 'taskList', content: items });
export const codeBlock = (language: string | null, source: string): JSONContent => ({
  type: 'codeBlock',
  attrs: { language },
  ...(source ? { content: [text(source)] } : {}),
});
export const blockquote = (...content: JSONContent[]): JSONContent => ({ type: 'blockquote', content });
export const horizontalRule: JSONContent = { type: 'horizontalRule' };
type CellAttrs = { colspan?: number; rowspan?: number; align?: 'left' | 'center' | 'right' };
export const th = (attrs: CellAttrs, ...content: JSONContent[]): JSONContent => ({ type: 'tableHeader', attrs, content });
export const td = (attrs: CellAttrs, ...content: JSONContent[]): JSONContent => ({ type: 'tableCell', attrs, content });
export const tr = (...cells: JSONContent[]): JSONContent => ({ type: 'tableRow', content: cells });
export const table = (...rows: JSONContent[]): JSONContent => ({ type: 'table', content: rows });
export const doc = (...content: JSONContent[]): JSONContent => ({ type: 'doc', content });

/** Validates `json` against the schema (so a fixture cannot be something the editor could not hold). */
export function pmDoc(json: JSONContent): PMNode {
  const node = PMNode.fromJSON(documentSchema, json);
  node.check();
  return node;
}

/** A Y.Doc holding `json` as its rich text and `title`, when given, in the title Y.Text. */
export function ydocFrom(json: JSONContent, title?: string): Y.Doc {
  const ydoc = new Y.Doc();
  prosemirrorJSONToYXmlFragment(documentSchema, pmDoc(json).toJSON(), ydoc.getXmlFragment('default'));
  if (title !== undefined) ydoc.getText('title').insert(0, title);
  return ydoc;
}

/** A document touching every node and mark, with text that needs escaping in every format. */
export const representative: JSONContent = doc(
  heading(1, text('Heading one')),
  paragraph(
    text('Plain, '),
    text('bold', bold),
    text(', '),
    text('italic', italic),
    text(', '),
    text('struck', strike),
    text(', '),
    text('under', underline),
    text(', '),
    text('a `tick`', code),
    text(' and '),
    text('a link', link('https://example.com/a_b?x=1&y=2')),
    text('.'),
  ),
  paragraph(text('Escapes: 2 * 3 = 6, snake_case, a < b && c > d, `backticks`, [brackets] <script>alert(1)</script>')),
  heading(2, text('Heading two')),
  bulletList(
    listItem(paragraph(text('First')), bulletList(listItem(paragraph(text('Nested'))))),
    listItem(paragraph(text('Second'))),
  ),
  orderedList(listItem(paragraph(text('One'))), listItem(paragraph(text('Two')))),
  heading(3, text('Heading three')),
  taskList(
    taskItem(true, paragraph(text('Done'))),
    taskItem(false, paragraph(text('Todo')), taskList(taskItem(false, paragraph(text('Sub-task'))))),
  ),
  codeBlock('ts', 'const a = 1 < 2 && `x`;\n// *not* emphasis'),
  blockquote(paragraph(text('Quoted'))),
  horizontalRule,
  paragraph(text('Line one'), hardBreak, text('Line two')),
);
