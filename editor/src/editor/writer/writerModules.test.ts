import { getSchema } from '@tiptap/core';
import { documentExtensions } from '@tandem/common/schema';
import { Node as PMNode } from '@tiptap/pm/model';
import { TextSelection } from '@tiptap/pm/state';
import { CellSelection } from '@tiptap/pm/tables';
import { describe, expect, test } from 'vitest';
import { BLOCK_ITEMS, filterBlockItems } from './blockMenu';
import { countRange, countSelection, countText } from './counts';
import { indentsOf, outlineOf, sameOutline } from './outline';

const schema = getSchema(documentExtensions());
const p = (text: string) => ({ type: 'paragraph', content: text ? [{ type: 'text', text }] : [] });
const h = (level: number, text: string) => ({ type: 'heading', attrs: { level }, content: [{ type: 'text', text }] });
const docOf = (...content: object[]) => PMNode.fromJSON(schema, { type: 'doc', content });

describe('countText', () => {
  test('words: Unicode letters, apostrophes and hyphens inside words, punctuation alone is not a word', () => {
    expect(countText('Hello, wörld!').words).toBe(2);
    expect(countText("l'été naïve co-op — 42 … ").words).toBe(4);
    expect(countText('   ').words).toBe(0);
  });

  test('characters: what the reader sees, spaces included (an emoji or an accent is one)', () => {
    expect(countText('ab c').characters).toBe(4);
    expect(countText('👍🏽 e\u0301').characters).toBe(3);
  });
});

describe('countRange', () => {
  const doc = docOf(p('one two'), p('three'), h(2, 'four five'));

  test('the whole document: blocks never join into one word', () => {
    expect(countRange(doc, 0, doc.content.size)).toEqual({ words: 5, characters: 21 });
  });

  test('a selection counts only what it covers', () => {
    // "two" (positions 5–8) and the "th" of "three".
    expect(countRange(doc, 5, 12)).toEqual({ words: 2, characters: 5 });
  });
});

describe('countSelection', () => {
  const cell = (type: string, text: string) => ({ type, content: [p(text)] });
  const row = (type: string, ...texts: string[]) => ({ type: 'tableRow', content: texts.map((t) => cell(type, t)) });
  const doc = docOf(p('before'), {
    type: 'table',
    content: [row('tableHeader', 'Item', 'Qty'), row('tableCell', 'green apples', 'two'), row('tableCell', 'dark rye bread', 'one')],
  });
  /** Positions of the table's cells, row by row. */
  const cells: number[] = [];
  doc.descendants((node, pos) => {
    if (node.type.name === 'tableCell' || node.type.name === 'tableHeader') cells.push(pos);
    return node.type.name !== 'paragraph';
  });

  test('a text selection counts as countRange does', () => {
    expect(countSelection(doc, TextSelection.create(doc, 1, 7))).toEqual({ words: 1, characters: 6 });
  });

  test('a cell selection counts every selected cell, not only the head cell', () => {
    // The first column, top to bottom: Item, green apples, dark rye bread.
    const column = CellSelection.create(doc, cells[0]!, cells[4]!);
    expect(column.ranges).toHaveLength(3);
    expect(countSelection(doc, column)).toEqual({ words: 6, characters: 4 + 12 + 14 });
    // The whole table, selected backwards (the head is the first cell).
    const all = CellSelection.create(doc, cells[5]!, cells[0]!);
    expect(countSelection(doc, all)).toEqual({ words: 9, characters: 4 + 3 + 12 + 3 + 14 + 3 });
  });
});

describe('outlineOf', () => {
  test('headings in order with levels and positions; paragraphs are not in it', () => {
    const doc = docOf(h(1, 'Intro'), p('text'), h(3, ' Deep '), { type: 'blockquote', content: [h(2, 'Quoted')] });
    const outline = outlineOf(doc);
    expect(outline.map((e) => [e.level, e.text])).toEqual([
      [1, 'Intro'],
      [3, 'Deep'],
      [2, 'Quoted'],
    ]);
    for (const entry of outline) expect(doc.nodeAt(entry.pos)?.type.name).toBe('heading');
    expect(sameOutline(outline, outlineOf(doc))).toBe(true);
    expect(sameOutline(outline, outline.slice(1))).toBe(false);
  });

  test('indents are relative: a document starting at level 2 is not indented, a jump indents one step', () => {
    const entries = [2, 4, 3, 2, 1, 2].map((level, pos) => ({ level, text: '', pos }));
    expect(indentsOf(entries)).toEqual([0, 1, 1, 0, 0, 1]);
  });
});

describe('filterBlockItems', () => {
  const ids = (query: string) => filterBlockItems(query).map((i) => i.id);

  test('an empty query lists every block type: headings 1–6, lists, quote, code, table, divider', () => {
    expect(ids('')).toEqual(BLOCK_ITEMS.map((i) => i.id));
    expect(ids('')).toEqual(expect.arrayContaining(['heading1', 'heading6', 'taskList', 'blockquote', 'codeBlock', 'table', 'horizontalRule']));
  });

  test('by label or keyword, prefix matches first, case and accents ignored', () => {
    expect(ids('h2')).toEqual(['heading2']);
    expect(ids('HEAD')[0]).toBe('heading1');
    expect(ids('todo')).toEqual(['taskList']);
    expect(ids('list').slice(0, 3)).toEqual(['bulletList', 'orderedList', 'taskList']);
    expect(ids('dïvider')).toEqual(['horizontalRule']);
    expect(ids('zzz')).toEqual([]);
  });
});
