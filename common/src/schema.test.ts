/**
 * Pins the document schema: the one extension list the editor edits with and the server exports with.
 * Changing a node, mark or attribute means changing this test too, so the change is a conscious decision
 * (old documents hold the old shape) rather than content silently dropped by exports.
 */
import { getSchema } from '@tiptap/core';
import { describe, expect, test } from 'vitest';
import { documentExtensions, imageWidth, MAX_IMAGE_WIDTH, MIN_IMAGE_WIDTH, safeImageSrc, type ViewBehaviour } from './schema.js';

const documentSchema = getSchema(documentExtensions());

const defaults = (attrs: Record<string, { default?: unknown }> | undefined) =>
  Object.fromEntries(Object.entries(attrs ?? {}).map(([name, spec]) => [name, spec.default]));

describe('documentSchema', () => {
  test('has exactly the editor node types, under Tiptap v3 camelCase names', () => {
    expect(Object.keys(documentSchema.nodes).sort()).toEqual(
      [
        'doc',
        'paragraph',
        'text',
        'heading',
        'blockquote',
        'bulletList',
        'orderedList',
        'listItem',
        'codeBlock',
        'horizontalRule',
        'hardBreak',
        'taskList',
        'taskItem',
        'table',
        'tableRow',
        'tableHeader',
        'tableCell',
        'image',
      ].sort(),
    );
    expect(documentSchema.topNodeType.name).toBe('doc');
  });

  test('has exactly the editor marks', () => {
    expect(Object.keys(documentSchema.marks).sort()).toEqual([
      'bold',
      'code',
      'highlight',
      'italic',
      'link',
      'strike',
      'subscript',
      'superscript',
      'textStyle',
      'underline',
    ]);
  });

  test('keeps the attributes and defaults the editor stores in the Y.Doc', () => {
    const nodeAttrs = Object.fromEntries(
      Object.entries(documentSchema.nodes)
        .filter(([, type]) => Object.keys(type.spec.attrs ?? {}).length > 0)
        .map(([name, type]) => [name, defaults(type.spec.attrs)]),
    );
    expect(nodeAttrs).toEqual({
      // Alignment (TextAlign) is an attribute of headings and paragraphs; null is the writing direction's start.
      heading: { level: 1, textAlign: null },
      paragraph: { textAlign: null },
      codeBlock: { language: null },
      orderedList: { start: 1, type: null },
      taskItem: { checked: false },
      // Merged cells span columns and rows; `colwidth` holds one width per spanned column once resized.
      tableCell: { colspan: 1, rowspan: 1, colwidth: null, align: null },
      tableHeader: { colspan: 1, rowspan: 1, colwidth: null, align: null },
      // [UP7] `src` is an upload path without a token; `width` CSS pixels or null.
      image: { src: null, alt: null, title: null, width: null },
    });
    expect(defaults(documentSchema.marks['link']?.spec.attrs)).toEqual({
      href: null,
      target: '_blank',
      rel: 'noopener noreferrer nofollow',
      class: null,
      title: null,
    });
    // Highlight is multicolor (null: the default yellow); text colour lives on the textStyle mark.
    expect(defaults(documentSchema.marks['highlight']?.spec.attrs)).toEqual({ color: null });
    expect(defaults(documentSchema.marks['textStyle']?.spec.attrs)).toEqual({ color: null });
  });

  test('headings go from level 1 to 6', () => {
    const heading = documentSchema.nodes['heading'];
    expect(heading?.spec.parseDOM?.map((rule) => rule.tag)).toEqual(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
  });

  test('lets task items nest (TaskItem nested: true) and list items hold blocks', () => {
    expect(documentSchema.nodes['taskItem']?.spec.content).toBe('paragraph block*');
    expect(documentSchema.nodes['listItem']?.spec.content).toBe('paragraph block*');
  });

  test('tables: rows of header or body cells, each cell holding blocks, a block itself', () => {
    const { table, tableRow, tableCell, tableHeader } = documentSchema.nodes;
    expect(table?.spec.content).toBe('tableRow+');
    expect(table?.isInGroup('block')).toBe(true);
    expect(tableRow?.spec.content).toBe('(tableCell | tableHeader)*');
    expect(tableCell?.spec.content).toBe('block+');
    expect(tableHeader?.spec.content).toBe('block+');
    // prosemirror-tables finds its node types by these roles.
    expect([table, tableRow, tableCell, tableHeader].map((type) => type?.spec['tableRole'])).toEqual(['table', 'row', 'cell', 'header_cell']);
  });

  test('[UP7] an image is a block leaf; only upload paths, http(s) and data: images are shown as its source', () => {
    const image = documentSchema.nodes['image']!;
    expect(image.isInGroup('block')).toBe(true);
    expect(image.isAtom).toBe(true);
    const src = (s: string) => safeImageSrc(s);
    expect(src(`/api/docs/abcdefgh12/uploads/${'a'.repeat(64)}`)).not.toBeNull();
    expect(src('https://example.com/a.png')).not.toBeNull();
    expect(src('data:image/png;base64,iVBORw0KGgo=')).not.toBeNull();
    for (const bad of ['javascript:alert(1)', 'file:///etc/passwd', 'data:text/html,<script>', `/api/docs/abcdefgh12/uploads/${'a'.repeat(64)}?token=x`, '//evil.example/x.png']) {
      expect(src(bad)).toBeNull();
    }
    expect([imageWidth('320'), imageWidth(1e9), imageWidth(-4), imageWidth('x'), imageWidth(2)]).toEqual([320, MAX_IMAGE_WIDTH, null, null, MIN_IMAGE_WIDTH]);
  });

  test('links end where they end: text typed right after a link is not part of it', () => {
    expect(documentSchema.marks['link']?.spec.inclusive).toBe(false);
  });
});

describe('documentExtensions(view)', () => {
  // What the editor passes (see editor/src/editor/extensions.ts); any view behaviour must leave the schema alone.
  const editorView: ViewBehaviour = {
    undoRedo: false,
    link: { openOnClick: false, autolink: true, defaultProtocol: 'https' },
    trailingNode: {},
    table: { resizable: true },
  };
  const specOf = (view?: ViewBehaviour) => {
    const schema = getSchema(documentExtensions(view));
    const describe = (types: Record<string, { spec: object }>) =>
      Object.fromEntries(Object.entries(types).map(([name, type]) => [name, JSON.stringify(type.spec, (_, v: unknown) => (typeof v === 'function' ? 'fn' : v))]));
    return { nodes: describe(schema.nodes), marks: describe(schema.marks) };
  };

  test('a live view’s behaviour (links, history, trailing node, cursors, column resizing) yields the same schema as headless', () => {
    expect(specOf(editorView)).toEqual(specOf());
    expect(specOf({})).toEqual(specOf());
  });
});

