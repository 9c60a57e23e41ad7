import { CONTENT_FRAGMENT } from '@tandem/common';
import { Editor } from '@tiptap/core';
import Collaboration from '@tiptap/extension-collaboration';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createThread, setResolved } from '../lib/comments';
import { anchorPassage } from './commentAnchors';
import { CommentHighlights, DRAFT_KEY, type CommentView, type ThreadRanges, setCommentView, threadRanges } from './commentHighlights';
import { contentExtensions } from './extensions';
import { ReadOnlyGuard } from './readOnlyGuard';

const editors: Editor[] = [];
afterEach(() => {
  for (const e of editors.splice(0)) e.destroy();
});

/** Two people, each a Y.Doc with an editor, kept in sync both ways. */
function pair({ bobEditable = true } = {}) {
  const alice = new Y.Doc();
  const bob = new Y.Doc();
  alice.on('update', (u: Uint8Array, origin: unknown) => origin !== 'net' && Y.applyUpdate(bob, u, 'net'));
  bob.on('update', (u: Uint8Array, origin: unknown) => origin !== 'net' && Y.applyUpdate(alice, u, 'net'));
  return { alice, bob, aliceEditor: editorOn(alice), bobEditor: editorOn(bob, bobEditable) };
}

function editorOn(doc: Y.Doc, editable = true) {
  const reported: ThreadRanges[] = [];
  const activated: (string | null)[] = [];
  const editor = new Editor({
    element: document.createElement('div'),
    editable,
    extensions: [
      ...contentExtensions({ editable: false }),
      Collaboration.configure({ document: doc, field: CONTENT_FRAGMENT }),
      CommentHighlights.configure({
        doc,
        fragment: doc.getXmlFragment(CONTENT_FRAGMENT),
        onRanges: (r) => reported.push(r),
        onActivate: (id) => activated.push(id),
      }),
      ReadOnlyGuard.configure({ doc }),
    ],
  });
  editors.push(editor);
  return Object.assign(editor, { reported, activated });
}

/** Let the plugin's scheduled recompute run. */
const settle = () => new Promise((r) => setTimeout(r, 0));

/** The highlighted passages as the page shows them: [thread id, text]. */
const marks = (editor: Editor) =>
  Array.from(editor.view.dom.querySelectorAll<HTMLElement>('.comment-mark')).map((el) => [el.dataset.threadId, el.textContent]);

/** ProseMirror position of `text` in the editor (first occurrence), and after it. */
function find(editor: Editor, text: string): { from: number; to: number } {
  let found: { from: number; to: number } | null = null;
  editor.state.doc.descendants((node, pos) => {
    if (found || !node.isText) return;
    const i = node.text!.indexOf(text);
    if (i >= 0) found = { from: pos + i, to: pos + i + text.length };
  });
  if (!found) throw new Error(`no ${text}`);
  return found;
}

function comment(editor: Editor, doc: Y.Doc, text: string, author = 'Alice'): string {
  const { from, to } = find(editor, text);
  const anchor = anchorPassage(doc.getXmlFragment(CONTENT_FRAGMENT), editor.state.doc, from, to)!;
  expect(anchor.text).toBe(text);
  return createThread(doc, { from: anchor.from, to: anchor.to, quote: anchor.text, author, body: 'note' });
}

const rangeText = (editor: Editor, id: string) => {
  const range = threadRanges(editor.state).get(id);
  return range ? editor.state.doc.textBetween(range.from, range.to, '\n') : null;
};

describe('comment highlights', () => {
  it('highlight a thread’s passage for everyone, and follow the text as the others edit around and inside it', async () => {
    const { alice, aliceEditor, bobEditor } = pair();
    aliceEditor.commands.setContent('<p>The quick brown fox jumps.</p>');
    const id = comment(aliceEditor, alice, 'quick brown');
    await settle();
    expect(marks(aliceEditor)).toEqual([[id, 'quick brown']]);
    expect(marks(bobEditor)).toEqual([[id, 'quick brown']]);
    expect(bobEditor.reported.at(-1)?.get(id)).toEqual(find(bobEditor, 'quick brown'));

    // Bob types inside the passage, right before it and right after it.
    bobEditor.chain().insertContentAt(find(bobEditor, 'brown').from, 'very ').run();
    bobEditor.chain().insertContentAt(find(bobEditor, 'quick').from, 'so ').run();
    bobEditor.chain().insertContentAt(find(bobEditor, ' fox').from, ' red').run();
    await settle();
    expect(aliceEditor.getText()).toBe('The so quick very brown red fox jumps.');
    expect(rangeText(aliceEditor, id)).toBe('quick very brown');
    expect(rangeText(bobEditor, id)).toBe('quick very brown');
    expect(marks(aliceEditor)).toEqual([[id, 'quick very brown']]);

    // Alice types at both edges herself: the same rule (mapped locally, not recomputed).
    aliceEditor.chain().insertContentAt(find(aliceEditor, 'quick').from, 'oh ').run();
    aliceEditor.chain().insertContentAt(find(aliceEditor, ' red').from, '!').run();
    expect(rangeText(aliceEditor, id)).toBe('quick very brown');
  });

  it('a passage at the very start of the document, and one across two paragraphs, resolve exactly', async () => {
    const { alice, aliceEditor, bobEditor } = pair();
    aliceEditor.commands.setContent('<p>First words here.</p><p>Second paragraph.</p>');
    const first = comment(aliceEditor, alice, 'First');
    const { from } = find(aliceEditor, 'here.');
    const { to } = find(aliceEditor, 'Second');
    const anchor = anchorPassage(alice.getXmlFragment(CONTENT_FRAGMENT), aliceEditor.state.doc, from, to)!;
    expect(anchor.text).toBe('here.\nSecond');
    const across = createThread(alice, { from: anchor.from, to: anchor.to, quote: anchor.text, author: 'A', body: 'b' });
    await settle();
    expect(rangeText(bobEditor, first)).toBe('First');
    expect(rangeText(bobEditor, across)).toBe('here.\nSecond');
  });

  it('counts positions as ProseMirror does around leaves, lists and quotes', async () => {
    const { alice, aliceEditor, bobEditor } = pair();
    aliceEditor.commands.setContent('<p>a<br>bee</p><hr><ul><li><p>item one</p></li></ul><blockquote><p>quoted words</p></blockquote>');
    const ids = ['bee', 'item one', 'quoted'].map((text) => comment(aliceEditor, alice, text));
    await settle();
    expect(ids.map((id) => rangeText(bobEditor, id))).toEqual(['bee', 'item one', 'quoted']);
    bobEditor.chain().insertContentAt(1, 'x').run();
    await settle();
    expect(ids.map((id) => rangeText(aliceEditor, id))).toEqual(['bee', 'item one', 'quoted']);
  });

  it('a thread whose text was deleted is detached; resolved threads show only when asked', async () => {
    const { alice, aliceEditor, bobEditor } = pair();
    aliceEditor.commands.setContent('<p>Keep this. Drop that.</p><p>Whole paragraph.</p>');
    const dropped = comment(aliceEditor, alice, 'Drop that.');
    const gone = comment(aliceEditor, alice, 'Whole paragraph.');
    const resolved = comment(aliceEditor, alice, 'Keep');
    setResolved(alice, resolved, true);
    await settle();
    expect(marks(bobEditor).map(([id]) => id)).toEqual([dropped, gone]);

    const view: CommentView = { activeId: null, showResolved: true, draft: null };
    bobEditor.view.dispatch(setCommentView(bobEditor.state.tr, view));
    expect(marks(bobEditor).map(([id]) => id)).toEqual([resolved, dropped, gone]);
    expect(bobEditor.view.dom.querySelector(`[data-thread-id="${resolved}"]`)?.classList.contains('comment-mark--resolved')).toBe(true);

    // Bob deletes a sentence and a whole paragraph.
    const { from, to } = find(bobEditor, ' Drop that.');
    bobEditor.chain().deleteRange({ from, to }).run();
    bobEditor.chain().deleteRange({ from: bobEditor.state.doc.content.size - bobEditor.state.doc.lastChild!.nodeSize, to: bobEditor.state.doc.content.size }).run();
    await settle();
    expect(aliceEditor.getText()).toBe('Keep this.');
    for (const editor of [aliceEditor, bobEditor]) {
      expect(threadRanges(editor.state).get(dropped)).toBeNull();
      expect(threadRanges(editor.state).get(gone)).toBeNull();
      expect(editor.reported.at(-1)?.get(dropped)).toBeNull();
    }
  });

  it('marks the active thread and the draft’s passage; a click inside a passage activates its thread', async () => {
    const { alice, aliceEditor } = pair();
    aliceEditor.commands.setContent('<p>One two three four.</p>');
    const outer = comment(aliceEditor, alice, 'two three four');
    const inner = comment(aliceEditor, alice, 'three');
    await settle();
    const { from, to } = find(aliceEditor, 'One');
    const draft = anchorPassage(alice.getXmlFragment(CONTENT_FRAGMENT), aliceEditor.state.doc, from, to)!;
    aliceEditor.view.dispatch(setCommentView(aliceEditor.state.tr, { activeId: outer, showResolved: false, draft: { from: draft.from, to: draft.to } }));
    expect(aliceEditor.view.dom.querySelector('.comment-mark--draft')?.textContent).toBe('One');
    expect(threadRanges(aliceEditor.state).get(DRAFT_KEY)).toEqual({ from, to });
    expect(Array.from(aliceEditor.view.dom.querySelectorAll('.comment-mark--active')).map((e) => e.textContent).join('')).toBe('two three four');

    // ProseMirror's click handlers, as a click at a position would run them: the innermost thread wins.
    const pos = find(aliceEditor, 'three').from + 1;
    aliceEditor.view.someProp('handleClick', (f) => f(aliceEditor.view, pos, new MouseEvent('click')));
    // A click outside every passage closes the open thread.
    aliceEditor.view.someProp('handleClick', (f) => f(aliceEditor.view, 2, new MouseEvent('click')));
    expect(aliceEditor.activated).toEqual([inner, null]);
  });

  it('a read-only editor changes nothing in the text — the commands key bindings run are held back — yet shows the others’ changes', async () => {
    const { alice, bob, aliceEditor, bobEditor } = pair({ bobEditable: false });
    aliceEditor.commands.setContent('<p>Visit example.com today</p>');
    await settle();
    const sent: Uint8Array[] = [];
    bob.on('update', (u: Uint8Array, origin: unknown) => origin !== 'net' && sent.push(u));

    bobEditor.commands.insertContent('sneaky ');
    bobEditor.commands.setContent('<p>replaced</p>');
    bobEditor.commands.toggleBold();
    bobEditor.chain().selectAll().deleteSelection().run();
    await settle();
    expect(bobEditor.getText()).toBe('Visit example.com today');
    expect(sent).toEqual([]);

    // Alice keeps typing (an autolinkable URL included): Bob sees it and still sends nothing.
    aliceEditor.chain().insertContentAt(aliceEditor.state.doc.content.size - 1, ' and www.tandem.test ').run();
    await settle();
    expect(bobEditor.getText()).toBe('Visit example.com today and www.tandem.test ');
    expect(sent).toEqual([]);

    // Commenting still works for him: the only update is the thread, under `comments`.
    comment(bobEditor, bob, 'today', 'Bob');
    expect(sent).toHaveLength(1);
    const decoded = Y.decodeUpdate(sent[0]!);
    expect(decoded.ds.clients.size).toBe(0);
    await settle();
    expect(marks(aliceEditor).map(([, text]) => text)).toEqual(['today']);
    void alice;
  });
});
