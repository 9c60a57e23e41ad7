import { CONTENT_FRAGMENT } from '@tandem/common';
import { Editor } from '@tiptap/core';
import Collaboration from '@tiptap/extension-collaboration';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { AttributionIndex, authorSpans, nodeKindOf } from './authorship';
import { contentExtensions } from './extensions';

/** A headless Tiptap editor bound to `doc` the way the live page binds it. */
function collabEditor(doc: Y.Doc): Editor {
  return new Editor({
    element: document.createElement('div'),
    extensions: [...contentExtensions({ editable: false }), Collaboration.configure({ document: doc, field: CONTENT_FRAGMENT })],
  });
}

/** Three people's copies of one document, each change delivered to the others at once (as the server would). */
function room(clients: number[]) {
  const docs = clients.map((client) => {
    const doc = new Y.Doc();
    doc.clientID = client;
    return doc;
  });
  for (const doc of docs) {
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === 'relay') return;
      for (const other of docs) if (other !== doc) Y.applyUpdate(other, update, 'relay');
    });
  }
  return docs;
}

const editors: Editor[] = [];
afterEach(() => {
  for (const e of editors.splice(0)) e.destroy();
});

/** The text of the document between two positions, hard breaks as "\n". */
const textOf = (editor: Editor, from: number, to: number) => editor.state.doc.textBetween(from, to, '|', '\n');

describe('AttributionIndex', () => {
  it('splits an id range at run boundaries and leaves gaps unnamed', () => {
    const index = new AttributionIndex([
      [7, 10, 5, 1, 100],
      [7, 0, 4, 0, 50],
      [9, 0, 3, 2, 10],
    ]);
    const pieces: [number, number, number | null][] = [];
    index.cover(7, 2, 14, (offset, length, run) => pieces.push([offset, length, run ? run[3] : null]));
    // clocks 2–3 → author 0, 4–9 → nobody, 10–14 → author 1, 15 → nobody
    expect(pieces).toEqual([
      [0, 2, 0],
      [2, 6, null],
      [8, 5, 1],
      [13, 1, null],
    ]);
    const unknown: unknown[] = [];
    index.cover(8, 0, 3, (...args) => unknown.push(args));
    expect(unknown).toEqual([[0, 3, null]]);
  });
});

describe('authorSpans: the Y fragment walked in step with ProseMirror positions', () => {
  it("finds each author's text at its ProseMirror position through headings, marks, lists, breaks and deletions", () => {
    const [aliceDoc, bobDoc, carolDoc] = room([101, 202, 303]) as [Y.Doc, Y.Doc, Y.Doc];
    const alice = collabEditor(aliceDoc);
    const bob = collabEditor(bobDoc);
    const carol = collabEditor(carolDoc);
    editors.push(alice, bob, carol);

    alice.commands.setContent(
      '<h2>Plan</h2><p>Hello <strong>bold</strong> world</p>' +
        '<ul><li><p>one</p><ul><li><p>nested</p></li></ul></li><li><p>two<br>lines</p></li></ul>' +
        '<ul data-type="taskList"><li data-type="taskItem" data-checked="false"><p>task</p></li></ul>' +
        '<hr><pre><code>code()</code></pre>',
    );
    expect(bob.getText()).toBe(alice.getText());

    // Bob inserts inside bold text and after the hard break, and deletes one of Alice's words.
    const find = (editor: Editor, text: string) => {
      let at = -1;
      editor.state.doc.descendants((node, pos) => {
        if (at < 0 && node.isText && node.text?.includes(text)) at = pos + (node.text.indexOf(text) as number);
      });
      return at;
    };
    bob.commands.insertContentAt(find(bob, 'old'), 'BOB');
    bob.commands.deleteRange({ from: find(bob, ' world'), to: find(bob, ' world') + ' world'.length });
    bob.commands.insertContentAt(find(bob, 'lines') + 'lines'.length, 'BOB');
    // Carol writes too, but the attribution below does not know her (as for text from before history).
    carol.commands.insertContentAt(find(carol, 'task') + 4, ' CAROL');

    const state = (doc: Y.Doc, client: number) => Y.getState(doc.store, client);
    const index = new AttributionIndex([
      [101, 0, state(aliceDoc, 101), 0, 1_000],
      [202, 0, state(aliceDoc, 202), 1, 2_000],
    ]);
    const { spans, size } = authorSpans(aliceDoc.getXmlFragment(CONTENT_FRAGMENT), index, nodeKindOf(alice.schema));

    expect(size).toBe(alice.state.doc.content.size);
    const byAuthor = (author: number) => spans.filter((s) => s.author === author).map((s) => textOf(alice, s.from, s.to));
    expect(byAuthor(1)).toEqual(['BOB', 'BOB']);
    // Spans are text only: the hard break between "two" and "lines" is an element, so it splits them.
    expect(byAuthor(0).join('')).toBe('PlanHello boldonenestedtwolinestaskcode()');
    const beforeBreak = spans.find((s) => textOf(alice, s.from, s.to) === 'two');
    expect(alice.state.doc.nodeAt(beforeBreak!.to)?.type.name).toBe('hardBreak');
    expect(byAuthor(0).join('')).not.toContain('world');
    // Nothing of Carol's is tinted, and spans never overlap.
    expect(spans.map((s) => textOf(alice, s.from, s.to)).join('')).not.toContain('CAROL');
    for (let i = 1; i < spans.length; i++) expect(spans[i]!.from).toBeGreaterThanOrEqual(spans[i - 1]!.to);
    expect(spans.find((s) => s.author === 1)).toMatchObject({ at: 2_000 });
  });

  it('merges keystrokes of one sitting into one stretch (dated when it began), and splits where the author came back later', () => {
    const [doc] = room([5]) as [Y.Doc];
    const editor = collabEditor(doc);
    editors.push(editor);
    editor.commands.setContent('<p></p>');
    for (const ch of 'typed later') editor.commands.insertContentAt(editor.state.doc.content.size - 1, ch);
    // One run per keystroke, as the server may record them; "later" an hour after "typed ".
    const start = Y.getState(doc.store, 5) - 'typed later'.length;
    const runs = Array.from('typed later', (_, i) => [5, start + i, 1, 0, i < 6 ? 1_000 + i * 500 : 3_600_000 + i] as [number, number, number, number, number]);
    const { spans } = authorSpans(doc.getXmlFragment(CONTENT_FRAGMENT), new AttributionIndex([[5, 0, start, 0, 1_000], ...runs]), nodeKindOf(editor.schema));
    expect(spans.map((s) => [textOf(editor, s.from, s.to), s.at])).toEqual([
      ['typed ', 1_000],
      ['later', 3_600_006],
    ]);
  });
});
