import type { Editor } from '@tiptap/core';
import { findParentNode } from '@tiptap/core';
// The table commands' types (`insertTable`, `addRowAfter` …) are declared by the extension's package.
import type {} from '@tiptap/extension-table';
import type { IconName } from '../components/Icon';

/** A table operation as the toolbar's table menu offers it. */
export interface TableCommand {
  id: string;
  label: string;
  icon: IconName;
  /** Runs the command on the current selection and returns the focus to the text. */
  run: (editor: Editor) => boolean;
  /** Whether it would do anything at the current selection (merge needs several cells selected …). */
  enabled: (editor: Editor) => boolean;
  /** For toggles (the header row): whether it is on. */
  checked?: (editor: Editor) => boolean;
  /** Drawn after a divider, to group the menu. */
  startsGroup?: boolean;
}

/** Rows, columns and the header row of a new table: small enough to grow with Tab, big enough to read as a table. */
export const NEW_TABLE = { rows: 3, cols: 3, withHeaderRow: true } as const;

/** Whether the selection is inside a table (a cell selection counts). */
export function isInTable(editor: Editor): boolean {
  return editor.isActive('table');
}

/** Whether the first row of the table around the selection is made of header cells only. */
export function hasHeaderRow(editor: Editor): boolean {
  const table = findParentNode((node) => node.type.name === 'table')(editor.state.selection);
  const firstRow = table?.node.firstChild;
  if (!firstRow || firstRow.childCount === 0) return false;
  let allHeaders = true;
  firstRow.forEach((cell) => {
    if (cell.type.name !== 'tableHeader') allHeaders = false;
  });
  return allHeaders;
}

export const INSERT_TABLE: TableCommand = {
  id: 'insert',
  label: 'Insert table',
  icon: 'table',
  run: (e) => e.chain().focus().insertTable(NEW_TABLE).run(),
  enabled: (e) => e.can().insertTable(NEW_TABLE),
};

/** What the menu offers inside a table, in menu order. */
export const TABLE_COMMANDS: TableCommand[] = [
  { id: 'addRowBefore', label: 'Insert row above', icon: 'rowAbove', run: (e) => e.chain().focus().addRowBefore().run(), enabled: (e) => e.can().addRowBefore() },
  { id: 'addRowAfter', label: 'Insert row below', icon: 'rowBelow', run: (e) => e.chain().focus().addRowAfter().run(), enabled: (e) => e.can().addRowAfter() },
  { id: 'addColumnBefore', label: 'Insert column left', icon: 'columnLeft', run: (e) => e.chain().focus().addColumnBefore().run(), enabled: (e) => e.can().addColumnBefore() },
  { id: 'addColumnAfter', label: 'Insert column right', icon: 'columnRight', run: (e) => e.chain().focus().addColumnAfter().run(), enabled: (e) => e.can().addColumnAfter() },
  { id: 'deleteRow', label: 'Delete row', icon: 'deleteRow', run: (e) => e.chain().focus().deleteRow().run(), enabled: (e) => e.can().deleteRow(), startsGroup: true },
  { id: 'deleteColumn', label: 'Delete column', icon: 'deleteColumn', run: (e) => e.chain().focus().deleteColumn().run(), enabled: (e) => e.can().deleteColumn() },
  {
    id: 'toggleHeaderRow',
    label: 'Header row',
    icon: 'headerRow',
    run: (e) => e.chain().focus().toggleHeaderRow().run(),
    enabled: (e) => e.can().toggleHeaderRow(),
    checked: hasHeaderRow,
    startsGroup: true,
  },
  { id: 'mergeCells', label: 'Merge cells', icon: 'merge', run: (e) => e.chain().focus().mergeCells().run(), enabled: (e) => e.can().mergeCells() },
  { id: 'splitCell', label: 'Split cell', icon: 'split', run: (e) => e.chain().focus().splitCell().run(), enabled: (e) => e.can().splitCell() },
  { id: 'deleteTable', label: 'Delete table', icon: 'trash', run: (e) => e.chain().focus().deleteTable().run(), enabled: (e) => e.can().deleteTable(), startsGroup: true },
];
