import { CONTENT_FRAGMENT } from '@tandem/common';
import { Editor, type JSONContent } from '@tiptap/core';
import Collaboration from '@tiptap/extension-collaboration';
import { TextSelection } from '@tiptap/pm/state';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { contentExtensions } from './extensions';
import { INSERT_TABLE, TABLE_COMMANDS, hasHeaderRow, isInTable } from './tableCommands';

const editors: Editor[] = [];
afterEach(() => {
  for (const e of editors.splice(0)) e.destroy();
});

function editor(options: { editable?: boolean; content?: JSONContent } = {}): Editor {
  const e = new Editor({
    element: document.createElement('div'),
    extensions: contentExtensions({ editable: options.editable ?? true }),
    editable: options.editable ?? true,
    content: options.content ?? '<p>Intro</p>',
  });
  editors.push(e);
  return e;
}

const command = (id: string) => {
  const found = TABLE_COMMANDS.find((c) => c.id === id);
  if (!found) throw new Error(`no table command ${id}`);
  return found;
};

/** The first table as rows of `tag:text` (tag `th` or `td`, with `×n` for a span). */
function grid(e: Editor): string[][] {
  const rows: string[][] = [];
  e.state.doc.descendants((node) => {
    if (node.type.name !== 'table' || rows.length) return node.type.name !== 'table';
    node.forEach((row) =>
      rows.push(
        Array.from({ length: row.childCount }, (_, i) => {
          const cell = row.child(i);
          const tag = cell.type.name === 'tableHeader' ? 'th' : 'td';
          const span = cell.attrs['colspan'] > 1 || cell.attrs['rowspan'] > 1 ? `×${cell.attrs['colspan']}x${cell.attrs['rowspan']}` : '';
          return `${tag}${span}:${cell.textContent}`;
        }),
      ),
    );
    return false;
  });
  return rows;
}

/** Puts the cursor into the cell at (row, column) of the first table. */
function cursorInCell(e: Editor, row: number, column: number): void {
  let target = -1;
  e.state.doc.descendants((node, pos) => {
    if (target >= 0) return false;
    if (node.type.name !== 'table') return true;
    const rowNode = node.child(row);
    let offset = pos + 1;
    for (let r = 0; r < row; r++) offset += node.child(r).nodeSize;
    offset += 1; // into the row
    for (let c = 0; c < column; c++) offset += rowNode.child(c).nodeSize;
    target = offset + 2; // into the cell, into its paragraph
    return false;
  });
  e.view.dispatch(e.state.tr.setSelection(TextSelection.create(e.state.doc, target)));
}

/** Presses a key in the editor as the keyboard would (through ProseMirror's key handling). */
function press(e: Editor, key: string, shiftKey = false): boolean {
  const event = new KeyboardEvent('keydown', { key, shiftKey, bubbles: true, cancelable: true });
  return e.view.someProp('handleKeyDown', (handle) => handle(e.view, event)) ?? false;
}

function typeText(e: Editor, text: string): void {
  e.commands.insertContent(text);
}

function tableEditor(): Editor {
  const e = editor();
  e.commands.focus('end');
  expect(INSERT_TABLE.run(e)).toBe(true);
  return e;
}

describe('inserting a table', () => {
  it('inserts 3 × 3 cells under a header row and puts the cursor in the first header cell', () => {
    const e = tableEditor();
    expect(grid(e)).toEqual([
      ['th:', 'th:', 'th:'],
      ['td:', 'td:', 'td:'],
      ['td:', 'td:', 'td:'],
    ]);
    expect(isInTable(e)).toBe(true);
    expect(hasHeaderRow(e)).toBe(true);
    expect(e.state.selection.$from.node(-1).type.name).toBe('tableHeader');
    // The paragraph before the table is kept, and there is a paragraph after it to type on.
    expect(e.state.doc.firstChild?.textContent).toBe('Intro');
    expect(e.state.doc.lastChild?.type.name).toBe('paragraph');
  });

  it('offers only "Insert table" outside a table, and not inserting it into a viewer', () => {
    const e = editor();
    expect(isInTable(e)).toBe(false);
    expect(INSERT_TABLE.enabled(e)).toBe(true);
    expect(TABLE_COMMANDS.filter((c) => c.enabled(e)).map((c) => c.id)).toEqual([]);
    const viewer = editor({ editable: false });
    expect(viewer.isEditable).toBe(false);
  });
});

describe('rows and columns', () => {
  it('adds rows above and below and columns left and right of the cursor, and deletes them again', () => {
    const e = tableEditor();
    cursorInCell(e, 1, 1);
    typeText(e, 'B');
    expect(command('addRowBefore').run(e)).toBe(true);
    expect(command('addRowAfter').run(e)).toBe(true);
    expect(grid(e).map((row) => row.join(' '))).toEqual([
      'th: th: th:',
      'td: td: td:',
      'td: td:B td:',
      'td: td: td:',
      'td: td: td:',
    ]);
    expect(command('addColumnBefore').run(e)).toBe(true);
    expect(command('addColumnAfter').run(e)).toBe(true);
    expect(grid(e)[2]).toEqual(['td:', 'td:', 'td:B', 'td:', 'td:']);
    expect(grid(e)[0]).toEqual(['th:', 'th:', 'th:', 'th:', 'th:']);

    expect(command('deleteColumn').run(e)).toBe(true);
    expect(grid(e)[2]).toEqual(['td:', 'td:', 'td:', 'td:']);
    expect(command('deleteRow').run(e)).toBe(true);
    expect(grid(e)).toHaveLength(4);
    // The cursor stays in the table after a delete.
    expect(isInTable(e)).toBe(true);
  });

  it('toggles the header row off and on', () => {
    const e = tableEditor();
    const header = command('toggleHeaderRow');
    expect(header.checked?.(e)).toBe(true);
    expect(header.run(e)).toBe(true);
    expect(grid(e)[0]).toEqual(['td:', 'td:', 'td:']);
    expect(header.checked?.(e)).toBe(false);
    expect(header.run(e)).toBe(true);
    expect(grid(e)[0]).toEqual(['th:', 'th:', 'th:']);
  });

  it('deletes the whole table', () => {
    const e = tableEditor();
    expect(command('deleteTable').run(e)).toBe(true);
    expect(isInTable(e)).toBe(false);
    expect(e.state.doc.textContent).toBe('Intro');
  });
});

describe('merging and splitting', () => {
  it('merges selected cells into one spanning cell, keeps their text, and splits it back', () => {
    const e = tableEditor();
    cursorInCell(e, 1, 0);
    typeText(e, 'A');
    cursorInCell(e, 1, 1);
    typeText(e, 'B');
    const merge = command('mergeCells');
    const split = command('splitCell');
    // One cell alone: nothing to merge, nothing to split.
    expect(merge.enabled(e)).toBe(false);
    expect(split.enabled(e)).toBe(false);

    const cellPositions: number[] = [];
    e.state.doc.descendants((node, pos) => {
      if (node.type.name === 'tableCell' && cellPositions.length < 2) cellPositions.push(pos);
      return true;
    });
    e.commands.setCellSelection({ anchorCell: cellPositions[0]!, headCell: cellPositions[1]! });
    expect(merge.enabled(e)).toBe(true);
    expect(merge.run(e)).toBe(true);
    expect(grid(e)[1]).toEqual(['td×2x1:AB', 'td:']);

    expect(split.enabled(e)).toBe(true);
    expect(split.run(e)).toBe(true);
    expect(grid(e)[1]).toEqual(['td:AB', 'td:', 'td:']);
  });
});

describe('keyboard', () => {
  it('Tab moves to the next cell, Shift+Tab back (selecting its text), and Tab in the last cell adds a row', () => {
    const e = tableEditor();
    typeText(e, 'one');
    expect(press(e, 'Tab')).toBe(true);
    typeText(e, 'two');
    expect(grid(e)[0]).toEqual(['th:one', 'th:two', 'th:']);
    expect(press(e, 'Tab', true)).toBe(true);
    const { from, to } = e.state.selection;
    expect(e.state.doc.textBetween(from, to)).toBe('one');

    cursorInCell(e, 2, 2);
    expect(press(e, 'Tab')).toBe(true);
    expect(grid(e)).toHaveLength(4);
    typeText(e, 'new row');
    expect(grid(e)[3]).toEqual(['td:new row', 'td:', 'td:']);
  });
});

describe('column resizing', () => {
  const hasResizing = (e: Editor) => e.state.plugins.some((plugin) => (plugin as unknown as { key: string }).key.startsWith('tableColumnResizing'));

  it('is on for editors and off for viewers, whose table is drawn the same', () => {
    expect(hasResizing(editor())).toBe(true);
    expect(hasResizing(editor({ editable: false }))).toBe(false);
  });

  it('a column’s width is an attribute of its cells, drawn in the colgroup', () => {
    const e = tableEditor();
    cursorInCell(e, 0, 1);
    expect(e.commands.setCellAttribute('colwidth', [180])).toBe(true);
    const cols = Array.from(e.view.dom.querySelectorAll('colgroup col')).map((col) => (col as HTMLElement).style.width);
    expect(cols).toEqual(['', '180px', '']);
  });
});

describe('pasted HTML tables keep their structure', () => {
  it('rows, header cells, merged cells and formatting come through', () => {
    const e = editor();
    e.commands.focus('end');
    e.view.pasteHTML(
      '<table><thead><tr><th>Name</th><th colspan="2">Contact</th></tr></thead>' +
        '<tbody><tr><td><b>Ann</b></td><td>ann@example.com</td><td>555</td></tr><tr><td>Bob</td><td></td><td>556</td></tr></tbody></table>',
    );
    expect(grid(e)).toEqual([
      ['th:Name', 'th×2x1:Contact'],
      ['td:Ann', 'td:ann@example.com', 'td:555'],
      ['td:Bob', 'td:', 'td:556'],
    ]);
    const table: JSONContent | undefined = e.getJSON().content?.find((n) => n.type === 'table');
    const bold = table?.content?.[1]?.content?.[0]?.content?.[0]?.content?.[0];
    expect(bold).toMatchObject({ text: 'Ann', marks: [{ type: 'bold' }] });
  });
});

describe('two people on one table', () => {
  it('a column Bob adds to the table Alice made reaches Alice, and both hold the same document', () => {
    const aliceDoc = new Y.Doc();
    const bobDoc = new Y.Doc();
    aliceDoc.on('update', (u: Uint8Array) => Y.applyUpdate(bobDoc, u));
    bobDoc.on('update', (u: Uint8Array) => Y.applyUpdate(aliceDoc, u));
    const person = (doc: Y.Doc) => {
      const e = new Editor({
        element: document.createElement('div'),
        extensions: [...contentExtensions({ editable: true }), Collaboration.configure({ document: doc, field: CONTENT_FRAGMENT })],
      });
      editors.push(e);
      return e;
    };
    const alice = person(aliceDoc);
    const bob = person(bobDoc);
    alice.commands.focus('end');
    INSERT_TABLE.run(alice);
    typeText(alice, 'Task');
    expect(grid(bob)[0]).toEqual(['th:Task', 'th:', 'th:']);

    cursorInCell(bob, 0, 2);
    command('addColumnAfter').run(bob);
    expect(grid(alice)).toEqual(grid(bob));
    expect(grid(alice)[0]).toEqual(['th:Task', 'th:', 'th:', 'th:']);
    expect(alice.getJSON()).toEqual(bob.getJSON());
  });
});
