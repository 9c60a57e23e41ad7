import { CONTENT_FRAGMENT } from '@tandem/common';
import { Editor } from '@tiptap/core';
import Collaboration from '@tiptap/extension-collaboration';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { AttributionIndex } from './authorship';
import { Authorship, authorshipShown, setAuthorship } from './authorshipPlugin';
import { contentExtensions } from './extensions';

const editors: Editor[] = [];
afterEach(() => {
  for (const e of editors.splice(0)) e.destroy();
});

function tintedEditor(doc: Y.Doc): Editor {
  const fragment = doc.getXmlFragment(CONTENT_FRAGMENT);
  const editor = new Editor({
    element: document.createElement('div'),
    extensions: [
      ...contentExtensions({ editable: false }),
      Collaboration.configure({ document: doc, field: CONTENT_FRAGMENT }),
      Authorship.configure({ fragment }),
    ],
  });
  editors.push(editor);
  return editor;
}

/** What the page shows tinted: [text, author, hover text]. */
const tints = (editor: Editor) =>
  Array.from(editor.view.dom.querySelectorAll<HTMLElement>('.author-tint')).map((el) => [el.textContent, el.dataset.author, el.title]);

const authors = [
  { name: 'Alice', color: '#2563eb' },
  { name: 'Bob', color: null },
];

describe('Authorship plugin', () => {
  it('tints live text by author with a hover name, follows remote changes, and leaves new local text untinted', () => {
    const alice = new Y.Doc();
    alice.clientID = 1;
    const bob = new Y.Doc();
    bob.clientID = 2;
    const editor = tintedEditor(alice);
    editor.commands.setContent('<p>Alice wrote this</p>');
    Y.applyUpdate(bob, Y.encodeStateAsUpdate(alice));
    // Bob appends a sentence in his own copy; it reaches Alice's editor as a remote change.
    const bobText = bob.getXmlFragment(CONTENT_FRAGMENT).get(0) as Y.XmlElement;
    (bobText.get(0) as Y.XmlText).insert('Alice wrote this'.length, ' and Bob too');

    const index = new AttributionIndex([
      [1, 0, Y.getState(alice.store, 1), 0, Date.UTC(2025, 0, 2, 10)],
      [2, 0, Y.getState(bob.store, 2), 1, Date.UTC(2025, 0, 2, 11)],
    ]);
    editor.view.dispatch(setAuthorship(editor.state.tr, { index, authors }));
    expect(authorshipShown(editor.state)).toBe(true);
    expect(tints(editor).map(([text, who]) => [text, who])).toEqual([['Alice wrote this', 'Alice']]);
    expect(tints(editor)[0]?.[2]).toMatch(/^Alice · /);

    Y.applyUpdate(alice, Y.encodeStateAsUpdate(bob));
    expect(editor.getText()).toBe('Alice wrote this and Bob too');
    expect(tints(editor).map(([text, who]) => [text, who])).toEqual([
      ['Alice wrote this', 'Alice'],
      [' and Bob too', 'Bob'],
    ]);
    // Bob has no colour of his own: he still gets one, and it differs from Alice's.
    const colours = Array.from(editor.view.dom.querySelectorAll<HTMLElement>('.author-tint')).map((el) =>
      el.style.getPropertyValue('--author-color'),
    );
    expect(colours[1]).toMatch(/^#[0-9a-f]{6}$/i);
    expect(colours[1]).not.toBe(colours[0]);

    // Alice types at the start: her new words are not in the attribution yet, so they stay untinted.
    editor.commands.insertContentAt(1, 'Hey! ');
    expect(editor.getText()).toBe('Hey! Alice wrote this and Bob too');
    expect(tints(editor).map(([text]) => text)).toEqual(['Alice wrote this', ' and Bob too']);

    editor.view.dispatch(setAuthorship(editor.state.tr, null));
    expect(authorshipShown(editor.state)).toBe(false);
    expect(tints(editor)).toEqual([]);
  });
});
