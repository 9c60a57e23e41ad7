import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  type DeltaOp,
  applyDelta,
  applyEdit,
  caretAfter,
  diffText,
  fitTitleEdit,
  isPlainDelta,
  mapOffset,
  mapSelection,
} from './textEdits';

describe('diffText', () => {
  it('finds an insert at the start, in the middle and at the end', () => {
    expect(diffText('Meeting notes', 'Draft: Meeting notes', 7)).toEqual({ index: 0, remove: 0, insert: 'Draft: ' });
    expect(diffText('Meeting notes', 'Meeting my notes', 11)).toEqual({ index: 8, remove: 0, insert: 'my ' });
    expect(diffText('Meeting notes', 'Meeting notes – March 3')).toEqual({ index: 13, remove: 0, insert: ' – March 3' });
    expect(diffText('same', 'same', 2)).toBeNull();
  });

  it('uses the caret where repeated letters make the change ambiguous', () => {
    expect(diffText('aa', 'aaa', 1)).toEqual({ index: 0, remove: 0, insert: 'a' });
    expect(diffText('aa', 'aaa', 2)).toEqual({ index: 1, remove: 0, insert: 'a' });
    expect(diffText('aa', 'aaa', 3)).toEqual({ index: 2, remove: 0, insert: 'a' });
    // Backspace after the first "l" of "hello" vs after the second.
    expect(diffText('hello', 'helo', 2)).toEqual({ index: 2, remove: 1, insert: '' });
    expect(diffText('hello', 'helo', 3)).toEqual({ index: 3, remove: 1, insert: '' });
  });

  it('replaces a selection, and never splits a surrogate pair', () => {
    expect(diffText('Meeting notes', 'Meeting minutes', 15)).toEqual({ index: 8, remove: 5, insert: 'minutes' });
    expect(diffText('a😀b', 'a😃b', 3)).toEqual({ index: 1, remove: 2, insert: '😃' });
    expect(diffText('😀', '😀😀', 4)).toEqual({ index: 2, remove: 0, insert: '😀' });
  });

  it('always gives an edit that turns before into after', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.nat(), (before, after, caret) => {
        const edit = diffText(before, after, caret % (after.length + 1));
        if (before === after) expect(edit).toBeNull();
        else expect(applyEdit(before, edit!)).toBe(after);
      }),
    );
  });
});

describe('fitTitleEdit', () => {
  it('turns line breaks into spaces and cuts what does not fit', () => {
    expect(fitTitleEdit({ index: 0, remove: 0, insert: 'a\r\nb\nc' }, 0, 200)).toEqual({ index: 0, remove: 0, insert: 'a b c' });
    expect(fitTitleEdit({ index: 3, remove: 1, insert: 'xyz' }, 9, 10)).toEqual({ index: 3, remove: 1, insert: 'xy' });
    expect(fitTitleEdit({ index: 0, remove: 0, insert: 'x😀' }, 8, 10)).toEqual({ index: 0, remove: 0, insert: 'x' });
    // Deleting works in a text already over the limit.
    expect(fitTitleEdit({ index: 0, remove: 2, insert: '' }, 300, 200)).toEqual({ index: 0, remove: 2, insert: '' });
    const same = { index: 0, remove: 0, insert: 'ok' };
    expect(fitTitleEdit(same, 0, 200)).toBe(same);
  });
});

/** Records the delta of every change `remote` makes to its text, as the local replica observes it. */
function replicas(initial: string) {
  const local = new Y.Doc();
  const remote = new Y.Doc();
  remote.getText('title').insert(0, initial);
  Y.applyUpdate(local, Y.encodeStateAsUpdate(remote));
  return { local, remote, text: local.getText('title') };
}

describe('mapping a selection through remote changes', () => {
  it('applyDelta gives the text the Y.Text now holds', () => {
    const { local, remote, text } = replicas('Meeting notes');
    const deltas: DeltaOp[][] = [];
    text.observe((event) => deltas.push(event.delta as DeltaOp[]));
    remote.transact(() => {
      remote.getText('title').insert(0, 'Draft: ');
      remote.getText('title').delete(15, 6);
      remote.getText('title').insert(15, 'minutes');
    });
    Y.applyUpdate(local, Y.encodeStateAsUpdate(remote, Y.encodeStateVector(local)));
    expect(applyDelta('Meeting notes', deltas[0]!)).toBe(text.toString());
    expect(text.toString()).toBe('Draft: Meeting minutes');
  });

  it('a caret keeps the character on its left; a range does not grow at its edges', () => {
    const atStart: DeltaOp[] = [{ insert: 'Draft: ' }];
    const atEnd: DeltaOp[] = [{ retain: 13 }, { insert: ' – March 3' }];
    expect(mapOffset(7, atStart, -1)).toBe(14);
    expect(mapOffset(0, atStart, -1)).toBe(0);
    expect(mapOffset(0, atStart, 1)).toBe(7);
    expect(mapOffset(13, atEnd, -1)).toBe(13);
    expect(mapSelection({ start: 3, end: 3 }, atEnd)).toEqual({ start: 3, end: 3 });
    expect(mapSelection({ start: 0, end: 7 }, [{ insert: 'x' }, { retain: 7 }, { insert: 'y' }])).toEqual({ start: 1, end: 8 });
    // Everything selected is deleted and something typed in its place: a caret before the new text.
    expect(mapSelection({ start: 2, end: 5 }, [{ retain: 2 }, { delete: 3 }, { insert: 'x' }])).toEqual({ start: 2, end: 2 });
  });

  it('random remote edits keep the caret on the same character (as a Yjs relative position sees it)', () => {
    const edit = fc.oneof(
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.string({ minLength: 1, maxLength: 4, unit: fc.constantFrom('x', 'y', 'z') }) }),
      fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 4 }) }),
    );
    fc.assert(
      fc.property(
        fc.string({ minLength: 0, maxLength: 12, unit: fc.constantFrom(...'ABCDEFGHIJKL') }).map((s) => [...new Set(s)].join('')),
        fc.nat(),
        fc.nat(),
        fc.array(fc.array(edit, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 4 }),
        (initial, a, b, transactions) => {
          const { local, remote, text } = replicas(initial);
          let value = text.toString();
          const [start, end] = [a % (value.length + 1), b % (value.length + 1)].sort((x, y) => x - y) as [number, number];
          let caret = start;
          let range = { start, end };
          const leftOfCaret = value[caret - 1];
          text.observe((event) => {
            const delta = event.delta as DeltaOp[];
            expect(isPlainDelta(delta)).toBe(true);
            value = applyDelta(value, delta);
            caret = mapSelection({ start: caret, end: caret }, delta).start;
            range = mapSelection(range, delta);
          });
          const absolute = (rel: Y.RelativePosition) => Y.createAbsolutePositionFromRelativePosition(rel, local)!.index;
          for (const ops of transactions) {
            // What Yjs itself says, from where the field's selection is now: a caret sticks to the character
            // on its left, a range's start to the one on its right and its end to the one on its left.
            const caretAnchor = Y.createRelativePositionFromTypeIndex(text, caret, -1);
            const startAnchor = Y.createRelativePositionFromTypeIndex(text, range.start, 0);
            const endAnchor = Y.createRelativePositionFromTypeIndex(text, range.end, -1);
            const wasRange = range.start !== range.end;
            remote.transact(() => {
              const t = remote.getText('title');
              for (const op of ops) {
                if (op.kind === 'insert') t.insert(op.at % (t.length + 1), op.text);
                else if (t.length > 0) {
                  const at = op.at % t.length;
                  t.delete(at, Math.min(op.length, t.length - at));
                }
              }
            });
            Y.applyUpdate(local, Y.encodeStateAsUpdate(remote, Y.encodeStateVector(local)));
            expect(value).toBe(text.toString());
            expect(caret).toBe(absolute(caretAnchor));
            if (wasRange) {
              expect(range.end).toBe(absolute(endAnchor));
              expect(range.start).toBe(Math.min(absolute(startAnchor), range.end));
            }
          }
          // The same character on the caret's left at the end, whenever it is still there (letters are unique).
          if (leftOfCaret !== undefined && value.includes(leftOfCaret)) expect(value[caret - 1]).toBe(leftOfCaret);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('caretAfter', () => {
  it('is after the last text put back, or where text went', () => {
    expect(caretAfter([{ retain: 3 }, { insert: 'abc' }])).toBe(6);
    expect(caretAfter([{ retain: 3 }, { delete: 2 }])).toBe(3);
    expect(caretAfter([{ insert: 'x' }, { retain: 5 }, { delete: 1 }])).toBe(6);
    expect(caretAfter([{ retain: 3 }])).toBeNull();
  });

  it('isPlainDelta tells embeds apart', () => {
    expect(isPlainDelta([{ retain: 1 }, { insert: 'a' }, { delete: 1 }])).toBe(true);
    expect(isPlainDelta([{ insert: { image: 'x.png' } }])).toBe(false);
  });
});
