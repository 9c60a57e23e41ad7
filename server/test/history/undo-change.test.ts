import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { decodeEntry, encodeEntry, type HistoryEntry } from '../../src/history/entry.js';
import { idSetFromRuns, idsBetween, runsOf, subtractIdSets } from '../../src/history/id-sets.js';
import { contentFingerprint, replaceContent, undoChanges } from '../../src/history/undo-change.js';
import { addParagraph, paragraphsOf, typeInto } from './support.js';

describe('history entries [HI2]', () => {
  it('round-trip, and bytes that are not an entry are refused', () => {
    const entry: HistoryEntry = {
      at: 1_764_000_000_123,
      author: { session: 's1', name: 'Zoë', color: '#aa00bb', scope: 'edit', generation: 3, user: null, source: 'socket' },
      inserted: [[123456789, 0, 12]],
      deleted: [
        [5, 2, 1],
        [7, 0, 4],
      ],
    };
    expect(decodeEntry(encodeEntry(entry))).toEqual(entry);
    expect(() => decodeEntry(new Uint8Array([9, 1, 2]))).toThrow();
    expect(() => decodeEntry(encodeEntry(entry).slice(0, 12))).toThrow();
  });
});

describe('id sets', () => {
  it('merge, subtract and diff state vectors exactly', () => {
    const a = idSetFromRuns([
      [1, 0, 5],
      [1, 5, 5],
      [2, 3, 2],
    ]);
    expect([...runsOf(a)]).toEqual([
      [1, 0, 10],
      [2, 3, 2],
    ]);
    const b = idSetFromRuns([
      [1, 2, 3],
      [1, 8, 10],
      [2, 0, 10],
    ]);
    expect([...runsOf(subtractIdSets(a, b))]).toEqual([
      [1, 0, 2],
      [1, 5, 3],
    ]);
    expect([...runsOf(idsBetween(new Map([[1, 4]]), new Map([[1, 9], [2, 3]])))]).toEqual([
      [1, 4, 5],
      [2, 0, 3],
    ]);
  });
});

describe('forward changes [HI5]', () => {
  const historyDoc = () => new Y.Doc({ gc: false });

  it('undoing the changes since a snapshot gives that snapshot back, on the live document only once applied', () => {
    const doc = historyDoc();
    addParagraph(doc, 'keep me');
    const then = Y.snapshot(doc);
    typeInto(doc, 0, 4, ' and not me');
    doc.getXmlFragment('default').delete(0, 1);
    addParagraph(doc, 'new');
    const now = Y.snapshot(doc);
    const update = undoChanges(doc, idsBetween(then.sv, now.sv), subtractIdSets(now.ds, then.ds));
    expect(paragraphsOf(doc)).toEqual(['new']);
    Y.applyUpdate(doc, update!);
    expect(paragraphsOf(doc)).toEqual(['keep me']);
  });

  it('returns null when there is nothing to undo', () => {
    const doc = historyDoc();
    addParagraph(doc, 'x');
    const s = Y.snapshot(doc);
    expect(undoChanges(doc, idsBetween(s.sv, s.sv), subtractIdSets(s.ds, s.ds))).toBeNull();
  });

  it('the fallback replaces the content and title with a copy of the target', () => {
    const doc = historyDoc();
    addParagraph(doc, 'before');
    doc.getText('title').insert(0, 'Old');
    const target = Y.createDocFromSnapshot(doc, Y.snapshot(doc));
    typeInto(doc, 0, 0, 'not ');
    doc.getText('title').insert(3, 'er');
    doc.getMap('comments').set('c', 1);
    Y.applyUpdate(doc, replaceContent(doc, target)!);
    expect(contentFingerprint(doc)).toBe(contentFingerprint(target));
    expect(doc.getMap('comments').get('c')).toBe(1);
  });
});
