import { Editor } from '@tiptap/core';
import { UndoRedo } from '@tiptap/extensions';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { createRef } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { contentExtensions } from '../../editor/extensions';
import { FindHighlights, findStateOf } from '../../editor/writer/findPlugin';
import { FindBar } from './FindBar';
import { OutlinePanel } from './OutlinePanel';

const editors: Editor[] = [];
afterEach(() => {
  cleanup();
  for (const e of editors.splice(0)) e.destroy();
});

function setup(html: string, canReplace = true) {
  const editor = new Editor({ element: document.createElement('div'), extensions: [...contentExtensions({ editable: true }), UndoRedo, FindHighlights], content: html });
  editors.push(editor);
  let closed = 0;
  render(<FindBar editor={editor} canReplace={canReplace} inputRef={createRef()} onClose={() => closed++} />);
  return { editor, closed: () => closed };
}

const type = (testId: string, value: string) => act(() => void fireEvent.change(screen.getByTestId(testId), { target: { value } }));
const count = () => screen.getByTestId('find-count').textContent;

describe('FindBar', () => {
  it('counts matches, steps with Enter and Shift+Enter, and the toggles narrow the search', () => {
    const { editor } = setup('<p>Cat cat concat</p><h2>cat</h2>');
    type('find-input', 'cat');
    expect(count()).toBe('1 of 4');
    act(() => void fireEvent.keyDown(screen.getByTestId('find-input'), { key: 'Enter' }));
    expect(count()).toBe('2 of 4');
    expect(editor.state.doc.textBetween(editor.state.selection.from, editor.state.selection.to)).toBe('cat');
    act(() => void fireEvent.keyDown(screen.getByTestId('find-input'), { key: 'Enter', shiftKey: true }));
    expect(count()).toBe('1 of 4');
    act(() => void fireEvent.click(screen.getByTestId('find-wholeWord')));
    expect(count()).toMatch(/ of 3$/);
    act(() => void fireEvent.click(screen.getByTestId('find-matchCase')));
    expect(count()).toMatch(/ of 2$/);
  });

  it('an invalid regex is a message beside the field, with no highlights and no crash', () => {
    const { editor } = setup('<p>a(b</p>');
    act(() => void fireEvent.click(screen.getByTestId('find-regex')));
    type('find-input', 'a(b');
    expect(screen.getByTestId('find-error').textContent).toMatch(/Not a valid regular expression/);
    expect(screen.getByTestId('find-input').getAttribute('aria-invalid')).toBe('true');
    expect(findStateOf(editor.state).matches).toEqual([]);
    type('find-input', 'a\\(b');
    expect(screen.queryByTestId('find-error')).toBeNull();
    expect(count()).toBe('1 of 1');
  });

  it('replace all is one undo step, keeps marks, and follows edits made while the bar is open', () => {
    const { editor } = setup('<p>one <strong>two</strong> one two</p><p>two</p>');
    type('find-input', 'two');
    expect(count()).toMatch(/ of 3$/);
    // Someone else's edit: the matches are recomputed.
    act(() => void editor.commands.insertContentAt(1, 'two '));
    expect(count()).toMatch(/ of 4$/);
    type('replace-input', '2');
    act(() => void fireEvent.click(screen.getByTestId('replace-all')));
    expect(editor.getHTML()).toBe('<p>2 one <strong>2</strong> one 2</p><p>2</p>');
    expect(count()).toBe('Replaced 4');
    act(() => void editor.commands.undo());
    expect(editor.getText()).toContain('two one two one two');
  });

  it('replace replaces the current match only; a view or comment link has no replace at all', () => {
    const { editor } = setup('<p>a a a</p>');
    type('find-input', 'a');
    type('replace-input', 'b');
    act(() => void fireEvent.click(screen.getByTestId('replace-one')));
    expect(editor.getText()).toBe('b a a');
    expect(count()).toBe('1 of 2');
    cleanup();
    setup('<p>a</p>', false);
    expect(screen.queryByTestId('replace-input')).toBeNull();
  });

  it('Escape closes the bar and clears the highlights', () => {
    const { editor, closed } = setup('<p>abc</p>');
    type('find-input', 'b');
    expect(findStateOf(editor.state).matches).toHaveLength(1);
    act(() => void fireEvent.keyDown(screen.getByTestId('find-input'), { key: 'Escape' }));
    expect(closed()).toBe(1);
    cleanup();
    expect(findStateOf(editor.state).matches).toHaveLength(0);
  });
});

describe('OutlinePanel', () => {
  it('lists headings live and puts the cursor in the one chosen', () => {
    const editor = new Editor({ element: document.createElement('div'), extensions: contentExtensions({ editable: true }), content: '<h1>Top</h1><p>x</p><h3>Deep</h3>' });
    editors.push(editor);
    render(<OutlinePanel editor={editor} focusRequest={0} onClose={() => undefined} />);
    const items = () => screen.getAllByTestId('outline-item');
    expect(items().map((b) => b.textContent)).toEqual(['Top', 'Deep']);
    act(() => void editor.commands.insertContentAt(editor.state.doc.content.size, '<h2>Added</h2>'));
    expect(items().map((b) => b.textContent)).toEqual(['Top', 'Deep', 'Added']);
    act(() => void fireEvent.click(items()[1]!));
    expect(editor.state.selection.$from.parent.textContent).toBe('Deep');
  });
});
