import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { TitleBinding } from './titleBinding';

/** One person's window: a Y.Doc, a title field bound to its `title` text. */
function window_(initial?: Y.Doc, maxLength = 200, captureMs?: number) {
  const doc = new Y.Doc();
  if (initial) Y.applyUpdate(doc, Y.encodeStateAsUpdate(initial));
  const field = document.createElement('textarea');
  document.body.append(field);
  const text = doc.getText('title');
  const binding = new TitleBinding(field, text, { maxLength, captureMs });
  return { doc, field, text, binding };
}
type Window = ReturnType<typeof window_>;

/** What the server does between two windows: each gets what it lacks. */
function sync(a: Window, b: Window): void {
  Y.applyUpdate(b.doc, Y.encodeStateAsUpdate(a.doc, Y.encodeStateVector(b.doc)));
  Y.applyUpdate(a.doc, Y.encodeStateAsUpdate(b.doc, Y.encodeStateVector(a.doc)));
}

/** Types `chars` at the field's selection, one input event per character, as a browser does. */
function type(w: Window, chars: string): void {
  for (const ch of chars) input(w, ch);
}

/** Replaces the field's selection with `inserted` (typing, pasting) and fires `input`. */
function input(w: Window, inserted: string): void {
  const { field } = w;
  const start = field.selectionStart;
  const end = field.selectionEnd;
  field.value = field.value.slice(0, start) + inserted + field.value.slice(end);
  field.setSelectionRange(start + inserted.length, start + inserted.length);
  field.dispatchEvent(new Event('input'));
}

function backspace(w: Window): void {
  const { field } = w;
  const at = field.selectionStart;
  field.value = field.value.slice(0, at - 1) + field.value.slice(at);
  field.setSelectionRange(at - 1, at - 1);
  field.dispatchEvent(new Event('input'));
}

function key(w: Window, init: KeyboardEventInit): KeyboardEvent {
  const event = new KeyboardEvent('keydown', { bubbles: true, cancelable: true, ...init });
  w.field.dispatchEvent(event);
  return event;
}

const titled = (title: string) => {
  const doc = new Y.Doc();
  doc.getText('title').insert(0, title);
  return doc;
};

let windows: Window[] = [];
const open = (initial?: Y.Doc, maxLength?: number, captureMs?: number) => {
  const w = window_(initial, maxLength, captureMs);
  windows.push(w);
  return w;
};

beforeEach(() => {
  windows = [];
});
afterEach(() => {
  for (const w of windows) {
    w.binding.destroy();
    w.field.remove();
  }
});

describe('TitleBinding: your input', () => {
  it('shows the title and turns each keystroke into a one-character insert, never a rewrite', () => {
    const alice = open(titled('Meeting notes'));
    expect(alice.field.value).toBe('Meeting notes');
    const deltas: unknown[] = [];
    alice.text.observe((event) => deltas.push(event.delta));
    alice.field.focus();
    alice.field.setSelectionRange(0, 0);
    type(alice, 'Draft: ');
    expect(alice.text.toString()).toBe('Draft: Meeting notes');
    expect(deltas[0]).toEqual([{ insert: 'D' }]);
    expect(deltas[6]).toEqual([{ retain: 6 }, { insert: ' ' }]);
    backspace(alice);
    expect(deltas[7]).toEqual([{ retain: 6 }, { delete: 1 }]);
    expect(alice.text.toString()).toBe('Draft:Meeting notes');
  });

  it('keeps the title one line and within the limit, showing what it really holds', () => {
    const alice = open(titled('abc'), 10);
    alice.field.focus();
    alice.field.setSelectionRange(3, 3);
    input(alice, '\nde\r\nfghijk');
    expect(alice.text.toString()).toBe('abc de fgh');
    expect(alice.field.value).toBe('abc de fgh');
    expect(alice.field.selectionStart).toBe(10);
    // Deleting still works.
    backspace(alice);
    expect(alice.text.toString()).toBe('abc de fg');
  });

  it('types at the right place in a text holding an embed, which the field cannot show', () => {
    const doc = titled('ab');
    doc.getText('title').insertEmbed(1, { image: 'x.png' });
    const alice = open(doc);
    expect(alice.field.value).toBe('ab');
    alice.field.focus();
    alice.field.setSelectionRange(2, 2);
    type(alice, 'c');
    expect(alice.text.toDelta()).toEqual([{ insert: 'a' }, { insert: { image: 'x.png' } }, { insert: 'bc' }]);
  });
});

describe('TitleBinding: someone else’s edits', () => {
  it('never move your caret: inserts before it shift it with the text, inserts after it leave it', () => {
    const alice = open(titled('Meeting notes'));
    const bob = open(alice.doc);
    alice.field.focus();
    alice.field.setSelectionRange(7, 7); // after "Meeting"
    bob.text.insert(0, 'Draft: ');
    sync(alice, bob);
    expect(alice.field.value).toBe('Draft: Meeting notes');
    expect([alice.field.selectionStart, alice.field.selectionEnd]).toEqual([14, 14]);
    bob.text.insert(bob.text.length, ' – March 3');
    bob.text.delete(0, 1);
    sync(alice, bob);
    expect(alice.field.value).toBe('raft: Meeting notes – March 3');
    expect([alice.field.selectionStart, alice.field.selectionEnd]).toEqual([13, 13]);
    expect(alice.field.value.slice(0, 13)).toBe('raft: Meeting');
  });

  it('keep a selection on the same characters', () => {
    const alice = open(titled('Meeting notes'));
    const bob = open(alice.doc);
    alice.field.focus();
    alice.field.setSelectionRange(8, 13, 'backward'); // "notes"
    bob.text.insert(0, 'Our ');
    bob.text.insert(bob.text.length, '!');
    sync(alice, bob);
    const { selectionStart, selectionEnd, selectionDirection, value } = alice.field;
    expect(value.slice(selectionStart, selectionEnd)).toBe('notes');
    expect(selectionDirection).toBe('backward');
  });

  it('Alice at the start and Bob at the end, keystrokes crossing: both runs intact in both windows', () => {
    const alice = open(titled('Meeting notes'));
    const bob = open(alice.doc);
    alice.field.focus();
    alice.field.setSelectionRange(0, 0);
    const aliceRun = 'Draft: ';
    const bobRun = ' – March 3';
    for (let i = 0; i < Math.max(aliceRun.length, bobRun.length); i++) {
      if (aliceRun[i]) type(alice, aliceRun[i]!);
      // Bob's caret is at his end of the text (his field is not focused in this shared test page).
      bob.field.setSelectionRange(bob.field.value.length, bob.field.value.length);
      if (bobRun[i]) type(bob, bobRun[i]!);
      if (i % 2 === 1) sync(alice, bob); // edits cross in flight
    }
    sync(alice, bob);
    expect(alice.field.value).toBe('Draft: Meeting notes – March 3');
    expect(bob.field.value).toBe('Draft: Meeting notes – March 3');
    expect(alice.field.selectionStart).toBe(aliceRun.length);
  });
});

describe('TitleBinding: undo and redo', () => {
  it('Ctrl+Z takes back a word at a time, only yours; Shift+Ctrl+Z and Ctrl+Y bring it back', () => {
    const alice = open(titled('notes'));
    const bob = open(alice.doc);
    alice.field.focus();
    alice.field.setSelectionRange(0, 0);
    type(alice, 'Draft: ');
    // Bob types meanwhile: his edits do not split Alice's burst, nor are they hers to undo.
    bob.field.setSelectionRange(bob.field.value.length, bob.field.value.length);
    type(bob, ' – March 3');
    sync(alice, bob);
    type(alice, 'Meeting ');
    expect(alice.field.value).toBe('Draft: Meeting notes – March 3');

    const undo = key(alice, { key: 'z', ctrlKey: true });
    expect(undo.defaultPrevented).toBe(true);
    expect(alice.field.value).toBe('Draft: notes – March 3');
    expect(alice.field.selectionStart).toBe(7); // where the word was
    key(alice, { key: 'z', metaKey: true });
    expect(alice.field.value).toBe('notes – March 3');
    key(alice, { key: 'z', ctrlKey: true });
    expect(alice.field.value).toBe('notes – March 3'); // Bob's text is not Alice's to undo

    key(alice, { key: 'Z', ctrlKey: true, shiftKey: true });
    expect(alice.field.value).toBe('Draft: notes – March 3');
    expect(alice.field.selectionStart).toBe(7);
    key(alice, { key: 'y', ctrlKey: true });
    expect(alice.field.value).toBe('Draft: Meeting notes – March 3');
    sync(alice, bob);
    expect(bob.field.value).toBe('Draft: Meeting notes – March 3');
  });

  it('a pause, a deletion or a jump elsewhere starts a new step; the browser menu undoes too', async () => {
    const alice = open(undefined, 200, 30);
    alice.field.focus();
    type(alice, 'abc');
    await new Promise((resolve) => setTimeout(resolve, 60));
    type(alice, 'def');
    backspace(alice);
    alice.field.setSelectionRange(0, 0);
    type(alice, 'X');
    expect(alice.field.value).toBe('Xabcde');
    const steps: string[] = [];
    for (let i = 0; i < 4; i++) {
      const event = new InputEvent('beforeinput', { inputType: 'historyUndo', cancelable: true });
      alice.field.dispatchEvent(event);
      expect(event.defaultPrevented).toBe(true);
      steps.push(alice.field.value);
    }
    expect(steps).toEqual(['abcde', 'abcdef', 'abc', '']);
  });

  it('other keys pass through', () => {
    const alice = open(titled('x'));
    expect(key(alice, { key: 'a', ctrlKey: true }).defaultPrevented).toBe(false);
    expect(key(alice, { key: 'z' }).defaultPrevented).toBe(false);
  });
});
