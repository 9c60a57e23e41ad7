import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { EntryEncoder, decodeEntries, type HistoryEntry } from '../../src/history/entry.js';
import { idSetFromRuns, idsBetween, runsOf, subtractIdSets } from '../../src/history/id-sets.js';
import { contentFingerprint, replaceContent, undoChanges } from '../../src/history/undo-change.js';
import { versionsToThin } from '../../src/history/versions.js';
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
    const encoder = new EntryEncoder();
    const first = encoder.encode(entry);
    const later: HistoryEntry = { ...entry, at: entry.at + 5, inserted: [[123456789, 12, 3]], deleted: [] };
    const second = encoder.encode(later);
    // The author is spelled out once; the second entry only refers to it.
    expect(second.byteLength).toBeLessThan(first.byteLength - 20);
    expect(decodeEntries([first, second])).toEqual([entry, later]);
    // Unreadable entries are skipped; an entry whose author was never declared is the unknown author.
    const decoded = decodeEntries([new Uint8Array([9, 1, 2]), first.slice(0, 12), second]);
    expect(decoded).toHaveLength(1);
    expect(decoded[0]!.author.name).toBe('Unknown');
    // A batch written twice (a retried database commit) counts once.
    expect(decodeEntries([first, second, first, second])).toHaveLength(2);
  });

  it('one encoder writes entries of any size in a row, each whole and independent of the one before', () => {
    const encoder = new EntryEncoder();
    const author = (n: number) =>
      ({ session: `s${n % 3}`, name: `Writer ${n % 3}`, color: null, scope: 'edit', generation: 0, user: null, source: 'socket' }) as const;
    // Sizes cross the encoder's first buffer (100 bytes) both ways: long entries between short ones.
    const entries: HistoryEntry[] = Array.from({ length: 40 }, (_, n) => ({
      at: 1_764_000_000_000 + n,
      author: author(n),
      inserted: Array.from({ length: n % 5 === 0 ? 60 : 1 }, (_, k) => [1000 + n, k * 10, 3] as [number, number, number]),
      deleted: [],
    }));
    const encoded = entries.map((e) => encoder.encode(e));
    const copies = encoded.map((bytes) => bytes.slice());
    expect(encoded.some((bytes) => bytes.byteLength > 300)).toBe(true);
    expect(decodeEntries(encoded)).toEqual(entries);
    // Later entries never wrote into the bytes handed out earlier.
    expect(encoded).toEqual(copies);
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

describe('retention [HI4]', () => {
  const version = (id: string, createdAt: string, kind: 'auto' | 'named' | 'restore' = 'auto') => ({
    id,
    createdAt,
    kind,
    name: null,
    authors: [],
    inserted: 0,
    deleted: 0,
    changes: 0,
    snapshot: new Uint8Array(),
  });
  it('thins automatic versions older than the limit to the last of each day; never named or restore ones', () => {
    const now = Date.parse('2026-12-10T12:00:00Z');
    const versions = [
      version('a1', '2026-12-01T08:00:00.000Z'),
      version('a2', '2026-12-01T09:00:00.000Z'),
      version('n1', '2026-12-01T09:30:00.000Z', 'named'),
      version('r1', '2026-12-01T09:40:00.000Z', 'restore'),
      version('a3', '2026-12-01T10:00:00.000Z'),
      version('b1', '2026-12-02T10:00:00.000Z'),
      version('c1', '2026-12-09T10:00:00.000Z'),
      version('c2', '2026-12-09T11:00:00.000Z'),
    ];
    expect(versionsToThin(versions, 7, now)).toEqual(['a1', 'a2']);
    expect(versionsToThin(versions, 0, now)).toEqual([]);
  });
});
