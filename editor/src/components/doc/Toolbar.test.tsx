import { Editor } from '@tiptap/core';
import { UndoRedo } from '@tiptap/extensions';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { contentExtensions } from '../../editor/extensions';
import { Toolbar } from './Toolbar';

const editors: Editor[] = [];
afterEach(() => {
  cleanup();
  for (const e of editors.splice(0)) e.destroy();
});

function setup() {
  // The page's undo comes with Collaboration; a plain history stands in for it here.
  const editor = new Editor({ element: document.createElement('div'), extensions: [...contentExtensions({ editable: true }), UndoRedo], content: '<p>Intro</p>' });
  editors.push(editor);
  editor.commands.focus('end');
  render(<Toolbar editor={editor} linkRequest={0} onComment={() => undefined} commentShortcut="Ctrl+Alt+M" />);
  return editor;
}

const tableButton = () => screen.getByTestId('tb-table');
const menuItems = () => Array.from(screen.getByTestId('table-menu').querySelectorAll<HTMLButtonElement>('[role^="menuitem"]'));

describe('Toolbar: the table button and its menu', () => {
  it('is a menu button in the toolbar’s arrow-key order', () => {
    setup();
    const button = tableButton();
    expect(button.getAttribute('aria-haspopup')).toBe('menu');
    expect(button.getAttribute('aria-expanded')).toBe('false');
    expect(button.getAttribute('aria-label')).toBe('Table');
    expect(button.hasAttribute('data-roving')).toBe(true);
    // One tab stop for the bar: the table button is reached with the arrows, not with Tab.
    expect(button.tabIndex).toBe(-1);
  });

  it('outside a table the menu offers to insert one; choosing it inserts a table and closes the menu', () => {
    const editor = setup();
    fireEvent.click(tableButton());
    expect(tableButton().getAttribute('aria-expanded')).toBe('true');
    expect(menuItems().map((item) => item.textContent)).toEqual(['Insert table']);
    expect(document.activeElement).toBe(menuItems()[0]);

    act(() => {
      fireEvent.click(screen.getByTestId('table-insert'));
    });
    expect(screen.queryByTestId('table-menu')).toBeNull();
    expect(editor.isActive('table')).toBe(true);
    // The button shows that the cursor is in a table.
    expect(tableButton().hasAttribute('data-active')).toBe(true);
  });

  it('inside a table it offers the table’s commands, disables what would do nothing, and shows the header row as on', () => {
    const editor = setup();
    act(() => {
      editor.chain().focus().insertTable({ rows: 2, cols: 2, withHeaderRow: true }).run();
    });
    fireEvent.click(tableButton());
    const items = menuItems();
    expect(items.map((item) => item.textContent)).toEqual([
      'Insert row above',
      'Insert row below',
      'Insert column left',
      'Insert column right',
      'Delete row',
      'Delete column',
      'Header row',
      'Merge cells',
      'Split cell',
      'Delete table',
    ]);
    const byId = (id: string) => screen.getByTestId(`table-${id}`) as HTMLButtonElement;
    expect(byId('mergeCells').disabled).toBe(true);
    expect(byId('splitCell').disabled).toBe(true);
    expect(byId('toggleHeaderRow').getAttribute('role')).toBe('menuitemcheckbox');
    expect(byId('toggleHeaderRow').getAttribute('aria-checked')).toBe('true');

    act(() => {
      fireEvent.click(byId('addColumnAfter'));
    });
    expect(editor.state.doc.child(1).firstChild?.childCount).toBe(3);
  });

  it('keyboard: ArrowDown on the button opens it, arrows skip disabled items, Escape closes it and refocuses the button', () => {
    const editor = setup();
    act(() => {
      editor.chain().focus().insertTable({ rows: 2, cols: 2, withHeaderRow: true }).run();
    });
    const button = tableButton();
    act(() => button.focus());
    fireEvent.keyDown(button, { key: 'ArrowDown' });
    const menu = screen.getByTestId('table-menu');
    expect(document.activeElement?.textContent).toBe('Insert row above');

    fireEvent.keyDown(menu, { key: 'End' });
    expect(document.activeElement?.textContent).toBe('Delete table');
    fireEvent.keyDown(menu, { key: 'ArrowUp' });
    // Merge and split are disabled with a single cell selected: the arrow goes past them.
    expect(document.activeElement?.textContent).toBe('Header row');

    fireEvent.keyDown(menu, { key: 'Escape' });
    expect(screen.queryByTestId('table-menu')).toBeNull();
    expect(document.activeElement).toBe(button);
    expect(button.getAttribute('aria-expanded')).toBe('false');
  });

  it('a click outside closes the menu', () => {
    setup();
    fireEvent.click(tableButton());
    expect(screen.getByTestId('table-menu')).toBeTruthy();
    fireEvent.pointerDown(document.body);
    expect(screen.queryByTestId('table-menu')).toBeNull();
  });
});
