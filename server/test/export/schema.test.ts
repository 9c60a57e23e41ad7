/**
 * Pins the document schema. The editor builds its schema from the same extension list; when either side
 * changes a node, mark or attribute, this test (and its twin in the editor, if any) has to change too, so
 * the drift is a conscious decision rather than content silently dropped by exports.
 */
import { describe, expect, test } from 'vitest';
import { documentSchema } from '../../src/export/schema.js';

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
      ].sort(),
    );
    expect(documentSchema.topNodeType.name).toBe('doc');
  });

  test('has exactly the editor marks', () => {
    expect(Object.keys(documentSchema.marks).sort()).toEqual(['bold', 'code', 'italic', 'link', 'strike', 'underline']);
  });

  test('keeps the attributes and defaults the editor stores in the Y.Doc', () => {
    const nodeAttrs = Object.fromEntries(
      Object.entries(documentSchema.nodes)
        .filter(([, type]) => Object.keys(type.spec.attrs ?? {}).length > 0)
        .map(([name, type]) => [name, defaults(type.spec.attrs)]),
    );
    expect(nodeAttrs).toEqual({
      heading: { level: 1 },
      codeBlock: { language: null },
      orderedList: { start: 1, type: null },
      taskItem: { checked: false },
    });
    expect(defaults(documentSchema.marks['link']?.spec.attrs)).toEqual({
      href: null,
      target: '_blank',
      rel: 'noopener noreferrer nofollow',
      class: null,
      title: null,
    });
  });

  test('lets task items nest (TaskItem nested: true) and list items hold blocks', () => {
    expect(documentSchema.nodes['taskItem']?.spec.content).toBe('paragraph block*');
    expect(documentSchema.nodes['listItem']?.spec.content).toBe('paragraph block*');
  });
});
